import Foundation
import Logging
import RemitCore
import ServiceLifecycle

/// Runs periodic jobs (fraud retraining; the ETL reuses it) on whichever node claims each run first.
public struct Scheduler: Service {
    let jobs: [ScheduledJob]
    let runs: ScheduledRuns
    let clock: WallClock
    let ready: Readiness
    let node: String
    let logger: Logger
    var pollInterval: Duration = .seconds(60)

    public init(jobs: [ScheduledJob], runs: ScheduledRuns, clock: WallClock, ready: Readiness, node: String, logger: Logger) {
        self.jobs = jobs
        self.runs = runs
        self.clock = clock
        self.ready = ready
        self.node = node
        self.logger = logger
    }

    public func run() async throws {
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
