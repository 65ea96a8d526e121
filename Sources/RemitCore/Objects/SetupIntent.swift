/// A SetupIntent (`seti_`): saving a card for later payments, with the issuer's authentication when it asks
/// (research/payment-intents.md §4). No money moves; on success the PaymentMethod is attached to the customer.
public struct SetupIntent: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var created: Int64
    public var status: SetupIntentStatus
    public var customerID: String?
    public var paymentMethodID: String?
    /// `off_session` (the default) or `on_session`: what the saved card is for.
    public var usage: String
    /// As a PaymentIntent's: nil when the caller named `payment_method_types`.
    public var automaticPaymentMethodsAllowRedirects: String?
    public var description: String?
    public var cancellationReason: String?
    public var clientSecret: String
    /// The last attempt's error object as JSON text (`last_setup_error`).
    public var lastSetupError: String?
    public var nextAction: String?
    public var confirmations: Int64
    /// `payment_method_options[card][request_three_d_secure]`, remembered from the create or an update.
    public var requestThreeDSecure = ThreeDSecureRequest.automatic
    public var metadata: Metadata
    public var livemode: Bool

    public static let usageChoices: Set<String> = ["off_session", "on_session"]
    public static let cancellationReasons: Set<String> = ["abandoned", "duplicate", "requested_by_customer"]

    public init(id: String, accountID: String, created: Int64, status: SetupIntentStatus, clientSecret: String,
                usage: String = "off_session", livemode: Bool = false) {
        self.id = id
        self.accountID = accountID
        self.created = created
        self.status = status
        self.clientSecret = clientSecret
        self.usage = usage
        self.confirmations = 0
        self.metadata = Metadata()
        self.livemode = livemode
    }

    public func json(customer: JSONValue? = nil, paymentMethod: JSONValue? = nil) -> JSONValue {
        let automatic: JSONValue = automaticPaymentMethodsAllowRedirects.map {
            .object([("allow_redirects", .string($0)), ("enabled", .bool(true))])
        } ?? .null
        return .object([
            ("id", .string(id)), ("object", .string("setup_intent")), ("application", .null),
            ("automatic_payment_methods", automatic), ("cancellation_reason", .optional(cancellationReason)),
            ("client_secret", .string(clientSecret)), ("created", .int(created)),
            ("customer", customer ?? .optional(customerID)), ("description", .optional(description)),
            ("flow_directions", .null), ("last_setup_error", lastSetupError.map { .raw($0) } ?? .null),
            ("latest_attempt", .null), ("livemode", .bool(livemode)), ("mandate", .null), ("metadata", metadata.json),
            ("next_action", nextAction.map { .raw($0) } ?? .null), ("on_behalf_of", .null),
            ("payment_method", paymentMethod ?? .optional(paymentMethodID)),
            ("payment_method_configuration_details", .null),
            ("payment_method_options", .object([("card", .object([
                ("mandate_options", .null), ("network", .null), ("request_three_d_secure", .string(requestThreeDSecure.rawValue)),
            ]))])),
            ("payment_method_types", .array([.string("card")])), ("single_use_mandate", .null),
            ("status", .string(status.rawValue)), ("usage", .string(usage)),
        ])
    }
}
