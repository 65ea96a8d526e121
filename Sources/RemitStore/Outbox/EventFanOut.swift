import RemitCore
import RemitSQL

/// The seam flow 5 plugs into: an event written to the outbox fans out to its subscribers in the same
/// transaction, so a committed event always has its deliveries and an uncommitted one never does.
///
/// The fan-out gives SQL fragments rather than running statements: on PostgreSQL the deliveries and the event
/// travel in one round trip, their CTEs reading one snapshot of the subscriptions.
public protocol EventFanOut: Sendable {
    /// The largest event payload a subscriber accepts; a change whose event would be larger is refused.
    var payloadLimit: Int { get }
    /// The statement inserting one event's deliveries, and a scalar subquery counting them (the event's
    /// `pending_webhooks`).
    func fanOut(_ event: OutboxEvent) -> (deliveries: SQL, count: SQL)
    /// What to run once the event's transaction has committed (waking this node's delivery workers); nil when
    /// nothing waits for it.
    func afterCommit(accountID: String) -> (@Sendable () -> Void)?
    /// The Stripe API versions the account's enabled subscribers are pinned to (an event is rendered for each that
    /// differs from the account's).
    func subscriberVersions(accountID: String, on connection: any SQLConnection) async throws -> Set<String>
}

extension EventFanOut {
    public func subscriberVersions(accountID: String, on connection: any SQLConnection) async throws -> Set<String> { [] }
}

/// An event as the fan-out sees it.
public struct OutboxEvent: Sendable {
    public let id: String
    public let type: String
    public let accountID: String
    public let created: UnixMilliseconds
}
