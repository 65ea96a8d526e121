import Foundation
import Logging
import RemitServices
import RemitCore
import RemitStore
import ServiceLifecycle

/// A job that runs once per period, at or after its time of the period (UTC); a node that was down at that
/// time runs it when it comes back within the same period.
struct ScheduledJob: Sendable {
    enum Cadence: Sendable {
        case daily(hour: Int)
        /// `weekday` 1 = Sunday … 7 = Saturday (Gregorian).
        case weekly(weekday: Int, hour: Int)
        case monthly(day: Int, hour: Int)
    }

    var name: String
    var cadence: Cadence
    var run: @Sendable () async throws -> String

    /// The period `now` falls in, if the job is due in it (its time has come).
    func duePeriod(at now: Date) -> String? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .weekday, .yearForWeekOfYear, .weekOfYear], from: now)
        let (year, month, day, hour) = (c.year!, c.month!, c.day!, c.hour!)
        switch cadence {
        case .daily(let at):
            return hour >= at ? String(format: "%04d-%02d-%02d", year, month, day) : nil
        case .weekly(let weekday, let at):
            // Due from that weekday's hour until the week ends (weeks start on Sunday here).
            let today = c.weekday!
            guard today > weekday || (today == weekday && hour >= at) else { return nil }
            return String(format: "%04d-W%02d", c.yearForWeekOfYear!, c.weekOfYear!)
        case .monthly(let dueDay, let at):
            return day > dueDay || (day == dueDay && hour >= at) ? String(format: "%04d-%02d", year, month) : nil
        }
    }
}

/// Runs periodic jobs (fraud retraining; the ETL reuses it) on whichever node claims each run first.
struct Scheduler: Service {
    let jobs: [ScheduledJob]
    let runs: ScheduledRuns
    let clock: WallClock
    let ready: Readiness
    let node: String
    let logger: Logger
    var pollInterval: Duration = .seconds(60)

    func run() async throws {
        guard await cancelWhenGracefulShutdown({ await ready.wait() }) else { return }
        await cancelWhenGracefulShutdown {
            while true {
                await tick()
                do { try await Task.sleep(for: pollInterval) } catch { return }
            }
        }
    }

    func tick() async {
        let now = clock.now()
        for job in jobs {
            guard let period = job.duePeriod(at: now) else { continue }
            do {
                guard try await runs.claim(job: job.name, period: period, node: node, now: clock.unixSeconds()) else { continue }
                logger.info("scheduled job started", metadata: ["job": "\(job.name)", "period": "\(period)"])
                let outcome: String
                do { outcome = try await job.run() } catch { outcome = "failed: \(error)" }
                try await runs.finish(job: job.name, period: period, now: clock.unixSeconds(), outcome: outcome)
                logger.info("scheduled job finished", metadata: ["job": "\(job.name)", "period": "\(period)", "outcome": "\(outcome)"])
            } catch {
                if Task.isCancelled { return }
                logger.warning("scheduler could not claim or record a run", metadata: ["job": "\(job.name)", "error": "\(error)"])
            }
        }
    }
}
