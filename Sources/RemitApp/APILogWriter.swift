import Logging
import RemitAPI
import RemitStore
import RemitServices
import ServiceLifecycle

/// Flushes the request-log buffer to `api_logs` in batches: every `interval`, and once more at shutdown.
struct APILogWriter: Service {
    let buffer: APILogBuffer
    let ledger: Ledger
    let ready: Readiness
    let interval: Duration
    let logger: Logger
    static let batchMax = 5_000

    func run() async throws {
        let started = await PeriodicWork("request-log flush", every: interval, start: .afterInterval)
            .run(ready: ready, logger: logger) { await flush() }
        // After the HTTP server stopped taking requests: write what is left.
        if started { await flush() }
    }

    func flush() async {
        while true {
            let batch = buffer.drain(limit: Self.batchMax)
            guard !batch.isEmpty else { return }
            do {
                try await ledger.appendAPILogs(batch)
            } catch {
                logger.warning("api_logs batch not written", metadata: ["count": "\(batch.count)", "error": "\(error)"])
                return
            }
        }
    }
}

/// Deletes idempotency keys past their retention, hourly.
struct IdempotencyPruner: Service {
    let ledger: Ledger
    let ready: Readiness
    let retention: Duration
    let logger: Logger

    func run() async throws {
        let (ledger, retention, logger) = (self.ledger, self.retention, self.logger)
        await PeriodicWork("idempotency pruning", every: .seconds(3600)).run(ready: ready, logger: logger) {
            let removed = try await ledger.pruneIdempotencyKeys(olderThan: retention)
            if removed > 0 { logger.info("pruned idempotency keys", metadata: ["count": "\(removed)"]) }
        }
    }
}
