import Foundation
import Logging
import RemitAlerts
import RemitCore
import RemitSQL
import RemitStore
import StreamEngine

/// The streaming analytics of flow 3: reads the request log's change feed from its checkpoints in batches, feeds the
/// window engine of each partition it leases, and commits what closed — sink rows, the open windows' new parts,
/// checkpoints, alert transitions — in one warehouse transaction; then notifies the alerts. A restart resumes from
/// the checkpoints with the open windows rebuilt from their parts, so every window's row is written exactly once.
public struct StreamProcessor: Sendable {
    public struct Configuration: Sendable {
        public var policy = EventTimePolicy()
        /// Query 2's breach needs at least this many requests in the minute (research data.md §5.4 recommends 20 to
        /// keep 1 failure out of 1 from paging anyone).
        public var minimumRequests: Int64 = 20
        public var batchSize = 10_000
        /// How long to wait when caught up before reading again.
        public var pollInterval: Duration = .milliseconds(100)
        /// Open windows' state is made durable at least this often (closed windows commit at once).
        public var checkpointInterval: Duration = .seconds(1)
        /// The heartbeat keeps this far behind the late-arrival bound, for documents committed a moment after they
        /// were stamped.
        public var heartbeatMarginMs: Int64 = 1_000
        public var leaseDuration: Duration = .seconds(15)
        public var thresholds = StreamThresholds()

        public init() {}

        var sinks: [StreamSink] { StreamSink.defaults(minimumRequests: minimumRequests) }
    }

    /// What one pass did (for `remit stream run --until-caught-up` and tests).
    public struct Summary: Sendable, Equatable {
        public var events: Int64 = 0
        public var windows: Int64 = 0
        public var conversionErrors: Int64 = 0
        public var alertsFired = 0
        public var alertsResolved = 0
        public var partitions = 0
    }

    public struct NoPartitions: Error, CustomStringConvertible {
        public var description: String { "every partition of the request log is leased to other processors" }
    }

    let store: any SQLDatabase
    let warehouse: any SQLDatabase
    let configuration: Configuration
    let alerting: Alerting
    let clock: WallClock
    let stats: StreamStats
    let node: String
    let logger: Logger

    public init(store: any SQLDatabase, warehouse: any SQLDatabase, configuration: Configuration, alerting: Alerting,
                clock: WallClock, stats: StreamStats, node: String, logger: Logger) {
        self.store = store
        self.warehouse = warehouse
        self.configuration = configuration
        self.alerting = alerting
        self.clock = clock
        self.stats = stats
        self.node = node
        self.logger = logger
    }

    var stateStore: StreamStateStore { StreamStateStore(warehouse: warehouse, sinks: configuration.sinks) }
    var leases: PartitionLeases { PartitionLeases(warehouse: warehouse, node: node, duration: configuration.leaseDuration) }

    /// Runs until cancelled (`remit serve`, `remit stream run`), or until it has read everything there is and closed
    /// what the watermark allows (`untilCaughtUp`).
    public func run(untilCaughtUp: Bool = false, progress: @Sendable (Summary) -> Void = { _ in }) async throws -> Summary {
        try await stateStore.migrate()
        try await leases.prepare()
        try await notifyPending()
        if untilCaughtUp {
            // "What is there" includes documents committed just now: on PostgreSQL a transaction still open anywhere
            // in the cluster holds the feed's horizon back, for as long as that transaction runs (a busy cluster's
            // longest write can take tens of seconds; a test run of the whole suite on two cores did).
            let feed = ChangeFeed(database: store)
            _ = try await feed.waitForHorizon(try await feed.latestWrittenAPILog(), timeout: .seconds(120))
        }
        var loop = Loop(processor: self, part: try await stateStore.nextPart())
        do {
            try await process(&loop, untilCaughtUp: untilCaughtUp, progress: progress)
        } catch {
            if untilCaughtUp { try? await leases.leave() }
            throw error
        }
        // A processor that stops hands its partitions over at once rather than when their leases expire.
        try? await leases.leave()
        return loop.summary
    }

    func process(_ loop: inout Loop, untilCaughtUp: Bool, progress: @Sendable (Summary) -> Void) async throws {
        var lastThresholdCheck: Int64 = 0
        var breached = Set<String>()
        while !Task.isCancelled {
            do {
                let caughtUp = try await loop.step(untilCaughtUp: untilCaughtUp)
                progress(loop.summary)
                if untilCaughtUp && loop.owned.isEmpty { throw NoPartitions() }
                if untilCaughtUp && caughtUp && !loop.hasPending { return }
                let now = clock.unixMilliseconds().value
                if now - lastThresholdCheck >= 60_000 {
                    lastThresholdCheck = now
                    breached = await checkThresholds(now: now, previously: breached)
                }
                if caughtUp { try await Task.sleep(for: configuration.pollInterval) }
            } catch is CancellationError {
                return
            } catch let error as NoPartitions {
                throw error
            } catch {
                // Cancelled mid-query, PostgreSQL's client fails the query with its own error: a stop all the same.
                if Task.isCancelled { return }
                stats.runtimeError()
                logger.error("stream processing failed; going on from the last checkpoint", metadata: ["error": "\(error)"])
                if untilCaughtUp { throw error }
                loop.dropUncommittedState()
                do { try await Task.sleep(for: .seconds(1)) } catch { return }
            }
        }
    }

    /// Delivers alert notifications committed but not yet sent (after a crash, or a sink that failed).
    func notifyPending() async throws {
        for row in try await stateStore.pendingNotifications() {
            let key = row.string("alert_key")
            let resolution = row.string("state") == "resolved"
            let merchant = row.string("merchant_id")
            let source = row.string("source")
            let rate = row.double("error_rate")
            let firstEnd = Timestamp.iso8601(unixMilliseconds: row.int("first_breach_end_ms"))
            if row.int("fire_notified") == 0 {
                await alerting.raise(Alert(
                    source: "streaming", kind: "error_rate", severity: .critical, subject: key, accountID: merchant,
                    summary: String(format: "merchant %@: more than 5%% of requests failed (5xx) in two consecutive "
                                    + "minutes (%.1f%% of %lld in the minute ending %@)", merchant, rate * 100,
                                    row.int("requests"), Timestamp.iso8601(unixMilliseconds: row.int("fired_window_end_ms"))),
                    details: ["merchant_id": merchant, "source": source, "first_breach_window_end": firstEnd,
                              "error_rate": String(rate)],
                    created: clock.now()))
            }
            if resolution {
                var alert = Alert(
                    source: "streaming", kind: "error_rate", severity: .info, subject: key, accountID: merchant,
                    summary: "merchant \(merchant): error rate back under 5 % in the minute ending "
                        + Timestamp.iso8601(unixMilliseconds: row.optionalInt("resolved_window_end_ms") ?? 0),
                    details: ["merchant_id": merchant, "source": source, "first_breach_window_end": firstEnd],
                    created: clock.now())
                alert.resolves = true
                await alerting.raise(alert)
            }
            try await stateStore.markNotified(key, resolution: resolution)
        }
    }

    /// The seed's metric thresholds: an alert when one becomes breached.
    func checkThresholds(now: Int64, previously: Set<String>) async -> Set<String> {
        var breached = Set<String>()
        for reading in stats.readings(nowMs: now) where reading.breached {
            breached.insert(reading.name)
            guard !previously.contains(reading.name) else { continue }
            await alerting.raise(Alert(
                source: "streaming", kind: "metric_threshold", severity: reading.name == "runtime_errors" ? .critical : .warning,
                subject: reading.name,
                summary: "stream metric \(reading.name) is \(reading.value.map { String(format: "%.3f", $0) } ?? "?"), "
                    + "over its threshold \(reading.threshold)",
                details: ["metric": reading.name, "value": reading.value.map { String($0) } ?? "", "threshold": String(reading.threshold)],
                created: clock.now()))
        }
        return breached
    }
}
