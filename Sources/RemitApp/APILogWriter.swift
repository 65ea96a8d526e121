import Logging
import RemitAPI
import RemitStore
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
        guard await cancelWhenGracefulShutdown({ await ready.wait() }) else { return }
        await cancelWhenGracefulShutdown {
            while true {
                do { try await Task.sleep(for: interval) } catch { return }
                await flush()
            }
        }
        // After the HTTP server stopped taking requests: write what is left.
        await flush()
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
        guard await cancelWhenGracefulShutdown({ await ready.wait() }) else { return }
        await cancelWhenGracefulShutdown {
            while true {
                do {
                    let removed = try await ledger.pruneIdempotencyKeys(olderThan: retention)
                    if removed > 0 { logger.info("pruned idempotency keys", metadata: ["count": "\(removed)"]) }
                } catch {
                    if Task.isCancelled { return }
                    logger.warning("idempotency pruning failed", metadata: ["error": "\(error)"])
                }
                do { try await Task.sleep(for: .seconds(3600)) } catch { return }
            }
        }
    }
}
