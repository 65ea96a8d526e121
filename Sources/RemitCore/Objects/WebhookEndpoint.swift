/// A merchant's webhook endpoint (`we_`): where its events are POSTed, and which ones.
public struct WebhookEndpoint: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var created: Int64
    public var url: String
    public var description: String?
    /// Event types, or `["*"]`.
    public var enabledEvents: [String]
    public var metadata: Metadata
    public var apiVersion: String?
    /// `enabled` or `disabled`.
    public var status: String
    public var livemode: Bool
    /// Why Remit disabled it (`failing`), nil when the merchant did or it is enabled.
    public var disabledReason: String?
    /// Set only in the response that creates the endpoint: the secret is never shown again.
    public var secret: String?
    public var deleted: Bool

    public init(id: String, accountID: String, created: Int64, url: String, description: String? = nil,
                enabledEvents: [String], metadata: Metadata = Metadata(), apiVersion: String? = nil,
                status: String = "enabled", livemode: Bool = false, disabledReason: String? = nil,
                secret: String? = nil, deleted: Bool = false) {
        self.id = id
        self.accountID = accountID
        self.created = created
        self.url = url
        self.description = description
        self.enabledEvents = enabledEvents
        self.metadata = metadata
        self.apiVersion = apiVersion
        self.status = status
        self.livemode = livemode
        self.disabledReason = disabledReason
        self.secret = secret
        self.deleted = deleted
    }

    public var json: JSONValue {
        if deleted {
            return .object([("id", .string(id)), ("object", .string("webhook_endpoint")), ("deleted", .bool(true))])
        }
        var fields: [(String, JSONValue)] = [
            ("id", .string(id)), ("object", .string("webhook_endpoint")), ("api_version", .optional(apiVersion)),
            ("application", .null), ("created", .int(created)), ("description", .optional(description)),
            ("enabled_events", .array(enabledEvents.map { .string($0) })), ("livemode", .bool(livemode)),
            ("metadata", metadata.json),
        ]
        if let secret { fields.append(("secret", .string(secret))) }
        fields.append(("status", .string(status)))
        fields.append(("url", .string(url)))
        return .object(fields)
    }
}

/// The event types Remit emits: what `enabled_events` may name (besides `*`).
public enum EventTypes {
    public static let all: Set<String> = [
        "charge.captured", "charge.expired", "charge.failed", "charge.refunded", "charge.succeeded", "charge.updated",
        "charge.dispute.closed", "charge.dispute.created", "charge.dispute.funds_reinstated",
        "charge.dispute.funds_withdrawn", "charge.dispute.updated",
        "customer.created", "customer.deleted", "customer.updated",
        "customer.source.created", "customer.source.deleted", "customer.source.updated",
        "payment_intent.amount_capturable_updated", "payment_intent.canceled", "payment_intent.created",
        "payment_intent.payment_failed", "payment_intent.requires_action", "payment_intent.succeeded",
        "payment_method.attached", "payment_method.detached", "payment_method.updated",
        "setup_intent.canceled", "setup_intent.created", "setup_intent.requires_action", "setup_intent.setup_failed",
        "setup_intent.succeeded",
        "customer.subscription.created", "customer.subscription.deleted", "customer.subscription.updated",
        "price.created", "product.created", "product.updated", "refund.created", "refund.updated",
        "review.closed", "review.opened", "webhook_endpoint.failing", "webhook_endpoint.disabled",
    ]
}
