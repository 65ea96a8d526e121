import RemitCore
import RemitSQL
import RemitStore

/// An endpoint whose recent attempts mostly fail.
public struct FailingEndpoint: Sendable, Equatable {
    public var endpointID: String
    public var accountID: String
    public var attempts: Int64
    public var succeeded: Int64
    public var successRate: Double { attempts == 0 ? 1 : Double(succeeded) / Double(attempts) }
}

/// An endpoint with many dead deliveries and no 2xx for the whole window.
public struct DeadEndpoint: Sendable, Equatable {
    public var endpointID: String
    public var accountID: String
    public var dead: Int64
}

/// The queries behind the seed's alert rules (research webhooks.md §3.6), per endpoint, over windows.
public struct WebhookHealth: Sendable {
    let database: any SQLDatabase

    public init(database: any SQLDatabase) { self.database = database }

    /// Enabled endpoints with at least `minimumAttempts` attempts since `since` (ms) and a success rate below
    /// `threshold`, not notified since `notifiedBefore` (ms).
    public func failing(since: UnixMilliseconds, minimumAttempts: Int, threshold: Double, notifiedBefore: UnixMilliseconds) async throws -> [FailingEndpoint] {
        try await database.read { connection in
            try await connection.query("""
                SELECT a.endpoint_id, a.account_id, count(*) AS attempts, sum(a.succeeded) AS succeeded
                FROM webhook_attempts a JOIN webhook_endpoints e ON e.id = a.endpoint_id
                WHERE a.started_ms >= \(since) AND e.status = 'enabled'
                    AND (e.failing_notified_at IS NULL OR e.failing_notified_at < \(notifiedBefore))
                GROUP BY a.endpoint_id, a.account_id HAVING count(*) >= \(minimumAttempts)
                """).map {
                FailingEndpoint(endpointID: $0.string("endpoint_id"), accountID: $0.string("account_id"),
                                attempts: $0.int("attempts"), succeeded: $0.int("succeeded"))
            }.filter { $0.successRate < threshold }
        }
    }

    /// Enabled endpoints with `minimumDead` or more deliveries dead since `since` (ms) and no 2xx since then.
    public func deadWithoutSuccess(since: UnixMilliseconds, minimumDead: Int) async throws -> [DeadEndpoint] {
        try await database.read { connection in
            try await connection.query("""
                SELECT d.endpoint_id, d.account_id, count(*) AS dead
                FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
                WHERE d.status = 'dead' AND d.created_ms >= \(since) AND e.status = 'enabled'
                    AND (e.last_success_at IS NULL OR e.last_success_at < \(since))
                GROUP BY d.endpoint_id, d.account_id HAVING count(*) >= \(minimumDead)
                """).map {
                DeadEndpoint(endpointID: $0.string("endpoint_id"), accountID: $0.string("account_id"), dead: $0.int("dead"))
            }
        }
    }
}

extension LedgerTransaction {
    /// Tells the merchant its endpoint is failing (`webhook_endpoint.failing`) and notes when.
    public func markWebhookEndpointFailing(_ id: String, attempts: Int64, successRate: Double) async throws {
        guard let endpoint = try await reader.webhookEndpoint(id) else { return }
        try await connection.execute("""
            UPDATE webhook_endpoints SET failing_notified_at = \(ledger.clock.unixMilliseconds()) WHERE id = \(id)
            """)
        try await emit("webhook_endpoint.failing", endpoint.json, id: id, previous: nil)
    }

    /// Disables an endpoint Remit gave up on (`disabled_reason: failing`), cancels what was queued for it,
    /// and tells the merchant (`webhook_endpoint.disabled`).
    public func disableFailingWebhookEndpoint(_ id: String) async throws -> WebhookEndpoint? {
        guard try await reader.webhookEndpoint(id)?.status == "enabled" else { return nil }
        var endpoint = try await updateWebhookEndpoint(id, WebhookEndpointFields(disabled: true))
        endpoint.disabledReason = "failing"
        try await connection.execute("UPDATE webhook_endpoints SET disabled_reason = 'failing' WHERE id = \(id)")
        try await emit("webhook_endpoint.disabled", endpoint.json, id: id, previous: .object([("status", .string("enabled"))]))
        return endpoint
    }
}
