import Foundation
import Logging
import RemitAlerts
import RemitCore
import RemitETL
import RemitSQL

/// Runs the ETL pipeline and tells operators (the seed's error table): a success notice; an alert with the failing
/// checks and their samples (rolled back, staging kept); a schema change (stopped, never retried); a source that
/// keeps failing (the nightly run tries again, and alerts once it has failed for 30 minutes); and, for the nightly
/// schedule, an alert when no run has published by the deadline.
public struct EtlRunner: Sendable {
    public let pipeline: EtlPipeline
    let alerting: Alerting
    let clock: WallClock
    let logger: Logger
    /// How long a failing source may fail before the nightly run alerts.
    public var sourceAlertAfter: Duration = .seconds(30 * 60)
    /// The nightly run's wait between attempts while the source fails.
    public var sourceRetryInterval: Duration = .seconds(5 * 60)
    var sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }

    public init(pipeline: EtlPipeline, alerting: Alerting, clock: WallClock = .system, logger: Logger) {
        self.pipeline = pipeline
        self.alerting = alerting
        self.clock = clock
        self.logger = logger
    }

    /// The same runner with another way to wait between nightly attempts (tests move a manual clock instead).
    public func sleeping(with sleep: @escaping @Sendable (Duration) async throws -> Void) -> EtlRunner {
        var copy = self
        copy.sleep = sleep
        return copy
    }

    /// One attempt.
    public func run(date: String, through: Int64? = nil, runID: String,
                    progress: @Sendable @escaping (String) -> Void = { _ in }) async throws -> EtlRunReport {
        do {
            let report = try await pipeline.run(date: date, through: through, runID: runID, progress: progress)
            await alerting.raise(Alert(
                source: "etl", kind: "run_published", severity: .info, subject: runID,
                summary: "ETL run \(runID) for \(date) published LSN (\(report.fromLSN), \(report.toLSN)]",
                details: ["steps": report.steps.map { "\($0.name)=\($0.rows)" }.joined(separator: " "),
                          "quarantined": "\(report.quarantined)"],
                created: clock.now()))
            return report
        } catch let failure as EtlPipeline.Failure {
            let failed = failure.report.failedChecks
            let kind = switch failure.kind {
            case .schemaChange: "schema_changed"
            case .timeout: "run_timed_out"
            default: "run_failed"
            }
            await alerting.raise(Alert(
                source: "etl", kind: kind, severity: .critical, subject: runID,
                summary: "ETL run \(runID) for \(date) rolled back (\(failure.kind.rawValue)): \(failure)",
                details: Dictionary(uniqueKeysWithValues: failed.map { ("check_\($0.name)", $0.detail) })
                    .merging(["error": failure.report.error ?? "", "failure": failure.kind.rawValue]) { a, _ in a },
                created: clock.now()))
            throw failure
        }
    }

    /// The nightly run: attempts until one publishes, fails for a reason other than the source, or the deadline
    /// passes. While the source fails it waits `sourceRetryInterval` between attempts, and alerts once when it has
    /// been failing for `sourceAlertAfter`.
    public func runNightly(date: String, deadline: Date, runID: String) async throws -> EtlRunReport {
        var failingSince: Date?
        var alerted = false
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await run(date: date, runID: attempt == 1 ? runID : "\(runID)-\(attempt)")
            } catch let failure as EtlPipeline.Failure where failure.kind == .sourceUnavailable {
                let now = clock.now()
                let since = failingSince ?? now
                failingSince = since
                let failingFor = now.timeIntervalSince(since)
                if !alerted, failingFor >= Double(sourceAlertAfter.components.seconds) {
                    alerted = true
                    await alerting.raise(Alert(
                        source: "etl", kind: "source_unavailable", severity: .critical, subject: date,
                        summary: "the ETL source has been failing for \(Int(failingFor / 60)) minutes: \(failure)",
                        details: ["attempts": "\(attempt)", "since": Timestamp.iso8601(since)], created: now))
                }
                guard now.addingTimeInterval(Double(sourceRetryInterval.components.seconds)) < deadline else { throw failure }
                logger.warning("ETL source unavailable; trying again", metadata: ["attempt": "\(attempt)", "error": "\(failure)"])
                try await sleep(sourceRetryInterval)
            }
        }
    }

    /// One run per day from `first` through `last` (`YYYY-MM-DD`), in order, each over the changes after the last
    /// published run up to the last one stamped before the next day began, loaded under that day (a day a published run
    /// already covered publishes an empty run). Stops at the first failure and returns it after the reports before it.
    /// `dayStarting` hears each day (its 1-based index, the number of days, the LSN it runs up to), `dayFinished` each
    /// published report as it comes.
    public func backfill(
        from first: String, through last: String, runSuffix: String,
        dayStarting: @Sendable (_ day: String, _ index: Int64, _ days: Int64, _ throughLSN: Int64) -> Void = { _, _, _, _ in },
        progress: @Sendable @escaping (String) -> Void = { _ in },
        dayFinished: @Sendable (EtlRunReport) -> Void = { _ in }
    ) async throws -> (reports: [EtlRunReport], failure: EtlPipeline.Failure?) {
        guard let firstDay = Timestamp.days(fromISODate: first), let lastDay = Timestamp.days(fromISODate: last),
              firstDay <= lastDay else { throw BackfillRangeInvalid(first: first, last: last) }
        var reports: [EtlRunReport] = []
        for days in firstDay...lastDay {
            let day = Timestamp.isoDate(days: days)
            let through = try await pipeline.lastLSN(ofDay: day)
            dayStarting(day, days - firstDay + 1, lastDay - firstDay + 1, through)
            do {
                let report = try await run(date: day, through: through, runID: "backfill-\(day)-\(runSuffix)",
                                           progress: progress)
                dayFinished(report)
                reports.append(report)
            } catch let failure as EtlPipeline.Failure {
                return (reports, failure)
            }
        }
        return (reports, nil)
    }

    /// Whether a run for `date` has published; if not, an alert (the seed's 06:00 SLA).
    public func checkDeadline(date: String) async throws -> Bool {
        let published = try await EtlPipeline.runs(pipeline.warehouse, limit: 200).contains {
            $0.string("logical_date") == date && $0.string("status") == "published"
        }
        if !published {
            await alerting.raise(Alert(
                source: "etl", kind: "sla_missed", severity: .critical, subject: date,
                summary: "no ETL run for \(date) has published by the deadline", created: clock.now()))
        }
        return published
    }
}

/// A backfill's range is not two dates, the first on or before the last.
public struct BackfillRangeInvalid: Error, CustomStringConvertible {
    public let first: String
    public let last: String
    public var description: String { "a backfill runs from a date to a later one (YYYY-MM-DD): \(first) … \(last)" }
}
