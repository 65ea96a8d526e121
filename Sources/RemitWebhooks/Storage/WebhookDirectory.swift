import RemitCore
import Synchronization

/// This node's view of which accounts have enabled webhook endpoints, and the wake-up of its delivery workers.
///
/// Only an optimisation for latency: the fan-out in the event's transaction always reads the store, so a stale
/// directory never loses a delivery. It decides whether a commit wakes the workers at once; a delivery this
/// node was not told about (an endpoint created on another node a moment ago) waits for the workers' short poll.
public final class WebhookDirectory: Sendable {
    private let accounts = Mutex<Set<String>>([])
    private let wake = WakeSignal()

    public init() {}

    public func hasEndpoints(_ accountID: String) -> Bool { accounts.withLock { $0.contains(accountID) } }

    public func replace(accounts: Set<String>) { self.accounts.withLock { $0 = accounts } }

    public func add(_ accountID: String) { _ = accounts.withLock { $0.insert(accountID) } }

    /// Wakes the waiting worker (or the next one to wait): deliveries were committed.
    public func notifyDeliveries() { wake.signal() }

    /// Returns when deliveries were committed since the last wait, or after `timeout` (the poll fallback).
    public func waitForDeliveries(upTo timeout: Duration) async { await wake.wait(upTo: timeout) }
}
