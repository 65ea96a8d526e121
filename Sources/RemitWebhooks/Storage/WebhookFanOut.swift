import RemitCore
import RemitSQL
import RemitStore

/// Flow 5 on the outbox: one delivery per enabled endpoint subscribed to the event's type, written in the
/// event's transaction, and this node's workers woken once it commits.
public struct WebhookFanOut: EventFanOut {
    /// Which accounts have enabled endpoints, and the wake-up of this node's delivery workers.
    public let directory: WebhookDirectory

    public init(directory: WebhookDirectory) { self.directory = directory }

    public var payloadLimit: Int { WebhookSender.payloadLimit }

    public func fanOut(_ event: OutboxEvent) -> (deliveries: SQL, count: SQL) {
        // Each enabled endpoint once, probed per endpoint: no DISTINCT, so no temporary table per event
        // (the fan-out of an account without endpoints was 12 µs of every charge's write on SQLite).
        let account = event.accountID
        let subscribed: SQL = """
            SELECT e.id AS endpoint_id FROM webhook_endpoints e
            WHERE e.account_id = \(account) AND e.status = 'enabled'
                AND EXISTS (SELECT 1 FROM webhook_subscriptions s WHERE s.account_id = \(account)
                    AND s.event_type IN ('*', \(event.type)) AND s.endpoint_id = e.id)
            """
        let deliveries: SQL = .prepared("""
            INSERT INTO webhook_deliveries (event_id, endpoint_id, account_id, status, attempt_count, next_attempt_at,
                created_ms, manual)
            SELECT \(event.id), endpoint_id, \(account), 'pending', 0, \(event.created), \(event.created), 0
            FROM (\(sql: subscribed)) subscribed
            """)
        return (deliveries, "(SELECT count(*) FROM (\(sql: subscribed)) subscribed)")
    }

    public func subscriberVersions(accountID: String, on connection: any SQLConnection) async throws -> Set<String> {
        guard directory.hasEndpoints(accountID) else { return [] }
        return Set(try await connection.query(.prepared("""
            SELECT DISTINCT api_version FROM webhook_endpoints
            WHERE account_id = \(accountID) AND status = 'enabled' AND api_version IS NOT NULL
            """)).map { $0.string("api_version") })
    }

    public func afterCommit(accountID: String) -> (@Sendable () -> Void)? {
        guard directory.hasEndpoints(accountID) else { return nil }
        let directory = self.directory
        return { directory.notifyDeliveries() }
    }
}

extension LedgerTransaction {
    /// This node's webhook directory, when flow 5 is installed on the ledger.
    var webhookDirectory: WebhookDirectory? { webhookFanOut?.directory }

    /// Flow 5's fan-out, when it is the one installed on the ledger (the one downcast from the seam).
    var webhookFanOut: WebhookFanOut? { ledger.eventFanOut as? WebhookFanOut }

    /// Marks the account as having endpoints and wakes this node's workers once the transaction commits.
    func notifyWorkersAfterCommit() {
        guard let fanOut = webhookFanOut else { return }
        fanOut.directory.add(accountID)
        if let wake = fanOut.afterCommit(accountID: accountID) { afterCommit("webhooks", wake) }
    }
}
