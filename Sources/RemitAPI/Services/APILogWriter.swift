import Logging
import RemitStore
import RemitServices
import ServiceLifecycle

/// Flushes the request-log buffer to `api_logs` in batches: every `interval`, and once more at shutdown.
public struct APILogWriter: Service {
    let buffer: APILogBuffer
    let ledger: Ledger
    let ready: Readiness
    let interval: Duration
    let logger: Logger
    static let batchMax = 5_000

    public init(buffer: APILogBuffer, ledger: Ledger, ready: Readiness, interval: Duration, logger: Logger) {
        self.buffer = buffer
        self.ledger = ledger
        self.ready = ready
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        let started = await PeriodicWork("request-log flush", every: interval, start: .afterInterval)
            .run(ready: ready, logger: logger) { await flush() }
        // After the HTTP server stopped taking requests: write what is left.
        if started { await flush() }
    }

    public func flush() async {
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
