import Logging
import RemitServices
import RemitStreaming
import ServiceLifecycle

/// The stream processor of this node (flow 3), as `remit serve` runs it; `remit stream run` runs the same processor
/// alone. It starts once the store is ready and stops at graceful shutdown, handing its partitions over.
public struct StreamProcessorService: Service {
    let processor: StreamProcessor
    let ready: Readiness
    let logger: Logger

    public init(processor: StreamProcessor, ready: Readiness, logger: Logger) {
        self.processor = processor
        self.ready = ready
        self.logger = logger
    }

    public func run() async throws {
        guard await cancelWhenGracefulShutdown({ await ready.wait() }) else { return }
        logger.info("stream processor started")
        do {
            _ = try await cancelWhenGracefulShutdown { try await processor.run() }
        } catch {
            // A processor that cannot even migrate or reach the warehouse must not take the server down with it.
            logger.error("stream processor stopped", metadata: ["error": "\(error)"])
        }
    }
}
