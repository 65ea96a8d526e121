import Logging
import RemitServices
import RemitStore
import ServiceLifecycle

/// Deletes idempotency keys past their retention, hourly.
public struct IdempotencyPruner: Service {
    let ledger: Ledger
    let ready: Readiness
    let retention: Duration
    let logger: Logger

    public init(ledger: Ledger, ready: Readiness, retention: Duration, logger: Logger) {
        self.ledger = ledger
        self.ready = ready
        self.retention = retention
        self.logger = logger
    }

    public func run() async throws {
        let (ledger, retention, logger) = (self.ledger, self.retention, self.logger)
        await PeriodicWork("idempotency pruning", every: .seconds(3600)).run(ready: ready, logger: logger) {
            let removed = try await ledger.pruneIdempotencyKeys(olderThan: retention)
            if removed > 0 { logger.info("pruned idempotency keys", metadata: ["count": "\(removed)"]) }
        }
    }
}
