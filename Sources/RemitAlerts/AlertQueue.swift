import Logging
import Synchronization

/// Alerts raised on a request's path, delivered off it: ``enqueue(_:)`` never waits on a sink (the `alerts` table
/// is a write, chat and PagerDuty are HTTP), and an ``AlertDispatcher`` hands them to the sinks in order.
///
/// Bounded: past ``capacity`` waiting alerts, new ones are logged and counted as dropped rather than queued, so a
/// storm of blocks cannot grow memory without end. What an alert reports is durable elsewhere (a block is in the
/// charge and its fraud record).
public final class AlertQueue: Sendable {
    /// Alerts waiting for the dispatcher at most.
    public static let capacity = 10_000

    let alerts: AsyncStream<Alert>
    private let continuation: AsyncStream<Alert>.Continuation
    private let droppedCount = Atomic<Int>(0)
    private let logger: Logger

    public init(logger: Logger) {
        (alerts, continuation) = AsyncStream.makeStream(of: Alert.self, bufferingPolicy: .bufferingOldest(Self.capacity))
        self.logger = logger
    }

    /// Queues `alert` for the dispatcher; returns at once.
    public func enqueue(_ alert: Alert) {
        switch continuation.yield(alert) {
        case .enqueued:
            break
        case .dropped, .terminated:
            droppedCount.add(1, ordering: .relaxed)
            logger.error("alert dropped: the alert queue is full or closed", metadata: [
                "alert_source": .string(alert.source), "alert_kind": .string(alert.kind), "subject": .string(alert.subject),
            ])
        @unknown default:
            break
        }
    }

    /// Alerts refused since start (queue full or closed).
    public var dropped: Int { droppedCount.load(ordering: .relaxed) }

    /// No more alerts: the dispatcher delivers what is queued, then ends.
    func close() { continuation.finish() }
}
