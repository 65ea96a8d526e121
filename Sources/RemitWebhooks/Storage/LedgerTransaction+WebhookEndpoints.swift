import RemitCore
import RemitSQL
import RemitStore

/// The fields of `POST /v1/webhook_endpoints` and `POST /v1/webhook_endpoints/{id}`. nil leaves a field alone.
public struct WebhookEndpointFields: Sendable {
    public var url: String?
    public var description: String?
    public var enabledEvents: [String]?
    public var metadata: MetadataUpdate?
    public var disabled: Bool?
    public var apiVersion: String?

    public init(url: String? = nil, description: String? = nil, enabledEvents: [String]? = nil,
                metadata: MetadataUpdate? = nil, disabled: Bool? = nil, apiVersion: String? = nil) {
        self.url = url
        self.description = description
        self.enabledEvents = enabledEvents
        self.metadata = metadata
        self.disabled = disabled
        self.apiVersion = apiVersion
    }
}

extension LedgerTransaction {
    /// Stripe's limit per account.
    public static let webhookEndpointsMax = 16

    public func createWebhookEndpoint(_ fields: WebhookEndpointFields) async throws -> WebhookEndpoint {
        guard let url = fields.url else { throw StripeError.missing("url") }
        guard let events = fields.enabledEvents else { throw StripeError.missing("enabled_events") }
        let count = try await connection.queryFirst("""
            SELECT count(*) AS n FROM webhook_endpoints WHERE account_id = \(accountID) AND deleted = 0
            """)?.int("n") ?? 0
        guard count < Self.webhookEndpointsMax else {
            throw StripeError.invalid("url", "You have reached the maximum of \(Self.webhookEndpointsMax) test webhook endpoints.")
        }
        var endpoint = WebhookEndpoint(
            id: ledger.ids("we"), accountID: accountID, created: now, url: url, description: fields.description,
            enabledEvents: events, metadata: try (fields.metadata ?? MetadataUpdate()).applied(to: Metadata()),
            apiVersion: fields.apiVersion, status: fields.disabled == true ? "disabled" : "enabled",
            livemode: context.livemode)
        try await connection.execute("""
            INSERT INTO webhook_endpoints (id, account_id, created, url, description, enabled_events, metadata,
                api_version, status, livemode, deleted)
            VALUES (\(endpoint.id), \(accountID), \(endpoint.created), \(url), \(endpoint.description),
                \(Self.eventsText(events)), \(endpoint.metadata.storageText), \(endpoint.apiVersion), \(endpoint.status),
                \(endpoint.livemode), 0)
            """)
        try await subscribe(endpoint.id, to: events)
        let secret = WebhookSignature.newSecret()
        try await connection.execute("""
            INSERT INTO webhook_secrets (endpoint_id, secret, created, expires_at) VALUES (\(endpoint.id), \(secret), \(now), NULL)
            """)
        webhookDirectory?.add(accountID)
        endpoint.secret = secret
        return endpoint
    }

    public func updateWebhookEndpoint(_ id: String, _ fields: WebhookEndpointFields) async throws -> WebhookEndpoint {
        guard var endpoint = try await reader.webhookEndpoint(id) else { throw StripeError.noSuch("webhook_endpoint", id) }
        if let url = fields.url { endpoint.url = url }
        if let description = fields.description { endpoint.description = description.isEmpty ? nil : description }
        if let metadata = fields.metadata { endpoint.metadata = try metadata.applied(to: endpoint.metadata) }
        if let disabled = fields.disabled {
            endpoint.status = disabled ? "disabled" : "enabled"
            if !disabled { endpoint.disabledReason = nil }
        }
        if let events = fields.enabledEvents, events != endpoint.enabledEvents {
            endpoint.enabledEvents = events
            try await connection.execute("DELETE FROM webhook_subscriptions WHERE endpoint_id = \(id)")
            try await subscribe(id, to: events)
        }
        try await connection.execute("""
            UPDATE webhook_endpoints SET url = \(endpoint.url), description = \(endpoint.description),
                enabled_events = \(Self.eventsText(endpoint.enabledEvents)), metadata = \(endpoint.metadata.storageText),
                status = \(endpoint.status), disabled_reason = \(endpoint.disabledReason),
                disabled_at = \(endpoint.status == "disabled" ? now : nil)
            WHERE id = \(id) AND account_id = \(accountID)
            """)
        if endpoint.status == "disabled" {
            // Stripe: what was queued for a disabled endpoint is not sent later; the merchant replays it.
            try await cancelPendingDeliveries(of: id)
        } else {
            webhookDirectory?.add(accountID)
        }
        return endpoint
    }

    public func deleteWebhookEndpoint(_ id: String) async throws -> WebhookEndpoint {
        guard var endpoint = try await reader.webhookEndpoint(id) else { throw StripeError.noSuch("webhook_endpoint", id) }
        try await connection.execute("""
            UPDATE webhook_endpoints SET deleted = 1, status = 'disabled' WHERE id = \(id) AND account_id = \(accountID)
            """)
        try await connection.execute("DELETE FROM webhook_subscriptions WHERE endpoint_id = \(id)")
        try await connection.execute("DELETE FROM webhook_secrets WHERE endpoint_id = \(id)")
        try await cancelPendingDeliveries(of: id, includingDead: true)
        endpoint.deleted = true
        return endpoint
    }

    /// A new secret; the current ones keep signing for `expiresIn` seconds (0: they stop now).
    public func rollWebhookSecret(_ id: String, expiresIn: Int64) async throws -> WebhookEndpoint {
        guard var endpoint = try await reader.webhookEndpoint(id) else { throw StripeError.noSuch("webhook_endpoint", id) }
        if expiresIn == 0 {
            try await connection.execute("DELETE FROM webhook_secrets WHERE endpoint_id = \(id)")
        } else {
            try await connection.execute("""
                UPDATE webhook_secrets SET expires_at = \(now + expiresIn)
                WHERE endpoint_id = \(id) AND (expires_at IS NULL OR expires_at > \(now + expiresIn))
                """)
            try await connection.execute("DELETE FROM webhook_secrets WHERE endpoint_id = \(id) AND expires_at <= \(now)")
        }
        let secret = WebhookSignature.newSecret()
        try await connection.execute("""
            INSERT INTO webhook_secrets (endpoint_id, secret, created, expires_at) VALUES (\(id), \(secret), \(now), NULL)
            """)
        endpoint.secret = secret
        return endpoint
    }

    private func subscribe(_ endpointID: String, to events: [String]) async throws {
        for type in Set(events) {
            try await connection.execute("""
                INSERT INTO webhook_subscriptions (account_id, event_type, endpoint_id) VALUES (\(accountID), \(type), \(endpointID))
                """)
        }
    }

    /// Cancels what is queued for an endpoint (and, when it is deleted, its dead deliveries too: they can no longer
    /// be recovered), so the events stop counting it in `pending_webhooks`.
    private func cancelPendingDeliveries(of endpointID: String, includingDead: Bool = false) async throws {
        let states: SQL = includingDead ? "('pending', 'delivering', 'dead')" : "('pending', 'delivering')"
        let cancelled = try await connection.query("""
            UPDATE webhook_deliveries SET status = 'cancelled', lease_owner = NULL, lease_until = NULL
            WHERE endpoint_id = \(endpointID) AND account_id = \(accountID) AND status IN \(sql: states)
            RETURNING event_id
            """)
        for row in cancelled {
            try await connection.execute("""
                UPDATE events SET pending_webhooks = pending_webhooks - 1
                WHERE id = \(row.string("event_id")) AND pending_webhooks > 0
                """)
        }
    }

    static func eventsText(_ events: [String]) -> String {
        JSONValue.array(events.map { .string($0) }).rendered()
    }
}
