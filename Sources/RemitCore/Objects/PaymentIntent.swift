/// A PaymentIntent (`pi_`): one payment the merchant means to collect, through as many attempts (charges) as it
/// takes (research/payment-intents.md §1).
public struct PaymentIntent: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var created: Int64
    public var amount: Int64
    public var currency: Currency
    public var status: PaymentIntentStatus
    public var customerID: String?
    /// Always a stored `pm_` (a named test PaymentMethod is minted when the intent is given it).
    public var paymentMethodID: String?
    public var captureMethod: CaptureMethod
    public var confirmationMethod: ConfirmationMethod
    public var setupFutureUsage: String?
    /// `automatic_payment_methods`: nil when the caller named `payment_method_types`; else whether redirects are
    /// allowed (`always` or `never`), which decides whether a confirmation needs a `return_url`.
    public var automaticPaymentMethodsAllowRedirects: String?
    public var description: String?
    public var receiptEmail: String?
    public var statementDescriptor: String?
    public var statementDescriptorSuffix: String?
    public var amountCapturable: Int64
    public var amountReceived: Int64
    public var latestChargeID: String?
    /// The review the successful charge opened, if any.
    public var reviewID: String?
    public var canceledAt: Int64?
    public var cancellationReason: String?
    public var clientSecret: String
    /// The last attempt's error object as JSON text (`last_payment_error`), cleared by the next success.
    public var lastPaymentError: String?
    /// `next_action` as JSON text while `requires_action` (the challenge to complete), else nil.
    public var nextAction: String?
    /// How many times it was confirmed: Stripe cancels an intent past its confirmation limit.
    public var confirmations: Int64
    /// `payment_method_options[card][request_three_d_secure]`, remembered from the create or an update.
    public var requestThreeDSecure = ThreeDSecureRequest.automatic
    public var metadata: Metadata
    public var livemode: Bool

    public enum CaptureMethod: String, Sendable, CaseIterable {
        case automatic
        /// Stripe's newer default: the same for cards, with the balance transaction settled later.
        case automaticAsync = "automatic_async"
        case manual
    }

    public enum ConfirmationMethod: String, Sendable, CaseIterable {
        case automatic, manual
    }

    public static let setupFutureUsageChoices: Set<String> = ["on_session", "off_session"]
    public static let cancellationReasons: Set<String> = ["duplicate", "fraudulent", "requested_by_customer", "abandoned"]
    /// "A variable upper limit on how many times a PaymentIntent can be confirmed" (research §1.2).
    public static let confirmationsMax: Int64 = 20

    public init(id: String, accountID: String, created: Int64, amount: Int64, currency: Currency,
                status: PaymentIntentStatus, clientSecret: String, captureMethod: CaptureMethod = .automatic,
                confirmationMethod: ConfirmationMethod = .automatic, livemode: Bool = false) {
        self.id = id
        self.accountID = accountID
        self.created = created
        self.amount = amount
        self.currency = currency
        self.status = status
        self.clientSecret = clientSecret
        self.captureMethod = captureMethod
        self.confirmationMethod = confirmationMethod
        self.amountCapturable = 0
        self.amountReceived = 0
        self.confirmations = 0
        self.metadata = Metadata()
        self.livemode = livemode
    }

    public func json(latestCharge: JSONValue? = nil, customer: JSONValue? = nil, paymentMethod: JSONValue? = nil)
        -> JSONValue
    {
        let automatic: JSONValue = automaticPaymentMethodsAllowRedirects.map {
            .object([("allow_redirects", .string($0)), ("enabled", .bool(true))])
        } ?? .null
        return .object([
            ("id", .string(id)), ("object", .string("payment_intent")), ("amount", .int(amount)),
            ("amount_capturable", .int(amountCapturable)),
            ("amount_details", .object([("tip", .object([]))])),
            ("amount_received", .int(amountReceived)), ("application", .null), ("application_fee_amount", .null),
            ("automatic_payment_methods", automatic), ("canceled_at", .optional(canceledAt)),
            ("cancellation_reason", .optional(cancellationReason)), ("capture_method", .string(captureMethod.rawValue)),
            ("client_secret", .string(clientSecret)), ("confirmation_method", .string(confirmationMethod.rawValue)),
            ("created", .int(created)), ("currency", .string(currency.code)),
            ("customer", customer ?? .optional(customerID)), ("description", .optional(description)),
            ("invoice", .null), ("last_payment_error", lastPaymentError.map { .raw($0) } ?? .null),
            ("latest_charge", latestCharge ?? .optional(latestChargeID)), ("livemode", .bool(livemode)),
            ("metadata", metadata.json), ("next_action", nextAction.map { .raw($0) } ?? .null), ("on_behalf_of", .null),
            ("payment_method", paymentMethod ?? .optional(paymentMethodID)),
            ("payment_method_configuration_details", .null),
            ("payment_method_options", .object([("card", .object([
                ("installments", .null), ("mandate_options", .null), ("network", .null),
                ("request_three_d_secure", .string(requestThreeDSecure.rawValue)),
            ]))])),
            ("payment_method_types", .array([.string("card")])), ("processing", .null),
            ("receipt_email", .optional(receiptEmail)), ("review", .optional(reviewID)),
            ("setup_future_usage", .optional(setupFutureUsage)), ("shipping", .null), ("source", .null),
            ("statement_descriptor", .optional(statementDescriptor)),
            ("statement_descriptor_suffix", .optional(statementDescriptorSuffix)),
            ("status", .string(status.rawValue)), ("transfer_data", .null), ("transfer_group", .null),
        ])
    }
}
