import Foundation
import Logging
import RemitAlerts
import RemitETL
import RemitSQL

/// Runs the ETL pipeline and tells operators: a success notice, or an alert with the failing checks (and their
/// sample keys) or the error; and, for the nightly schedule, an alert when no run has published by the deadline.
public struct EtlRunner: Sendable {
    public let pipeline: EtlPipeline
    let alerting: Alerting
    let logger: Logger

    public init(pipeline: EtlPipeline, alerting: Alerting, logger: Logger) {
        self.pipeline = pipeline
        self.alerting = alerting
        self.logger = logger
    }

    public func run(date: String, through: Int64? = nil, runID: String,
                    progress: @Sendable (String) -> Void = { _ in }) async throws -> EtlRunReport {
        do {
            let report = try await pipeline.run(date: date, through: through, runID: runID, progress: progress)
            await alerting.raise(Alert(
                source: "etl", kind: "run_published", severity: .info, subject: runID,
                summary: "ETL run \(runID) for \(date) published LSN (\(report.fromLSN), \(report.toLSN)]",
                details: ["steps": report.steps.map { "\($0.name)=\($0.rows)" }.joined(separator: " ")], created: Date()))
            return report
        } catch let failure as EtlPipeline.Failure {
            let failed = failure.report.failedChecks
            await alerting.raise(Alert(
                source: "etl", kind: "run_failed", severity: .critical, subject: runID,
                summary: "ETL run \(runID) for \(date) rolled back: \(failure)",
                details: Dictionary(uniqueKeysWithValues: failed.map { ("check_\($0.name)", $0.detail) })
                    .merging(["error": failure.report.error ?? ""]) { a, _ in a },
                created: Date()))
            throw failure
        }
    }

    /// Whether a run for `date` has published; if not, an alert (the seed's 06:00 SLA).
    public func checkDeadline(date: String) async throws -> Bool {
        let published = try await EtlPipeline.runs(pipeline.warehouse, limit: 200).contains {
            $0.string("logical_date") == date && $0.string("status") == "published"
        }
        if !published {
            await alerting.raise(Alert(
                source: "etl", kind: "sla_missed", severity: .critical, subject: date,
                summary: "no ETL run for \(date) has published by the deadline", created: Date()))
        }
        return published
    }
}
