import ServiceLifecycle

/// The worker behind ``AlertQueue``: raises each queued alert through ``Alerting`` (log, table, HTTP sinks), one
/// at a time. On graceful shutdown the queue closes and what it holds is delivered before the service returns (it
/// runs before the store's pool stops, so the `alerts` table is still there).
public struct AlertDispatcher: Service {
    let queue: AlertQueue
    let alerting: Alerting

    public init(queue: AlertQueue, alerting: Alerting) {
        self.queue = queue
        self.alerting = alerting
    }

    public func run() async throws {
        let queue = self.queue, alerting = self.alerting
        await withGracefulShutdownHandler {
            for await alert in queue.alerts { await alerting.raise(alert) }
        } onGracefulShutdown: {
            queue.close()
        }
    }
}
