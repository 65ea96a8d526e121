import RemitCore

/// A validated `POST /v1/payment_intents`.
public struct PaymentIntentCreation: Sendable {
    public var amount: Int64
    public var currency: Currency
    public var customerID: String?
    /// A saved `pm_`, or a named test PaymentMethod (`pm_card_visa`), which is minted.
    public var paymentMethod: String?
    public var captureMethod: PaymentIntent.CaptureMethod = .automatic
    public var confirmationMethod: PaymentIntent.ConfirmationMethod = .automatic
    public var setupFutureUsage: String?
    /// nil when the caller named `payment_method_types`; else `automatic_payment_methods[allow_redirects]`.
    public var automaticAllowRedirects: String? = "always"
    public var description: String?
    public var receiptEmail: String?
    public var statementDescriptor: String?
    public var statementDescriptorSuffix: String?
    public var metadata = Metadata()
    /// `payment_method_options[card][request_three_d_secure]`.
    public var requestThreeDSecure: ThreeDSecureRequest?
    /// `confirm=true`: confirmed in the same request.
    public var confirmation: PaymentIntentConfirmation?

    public init(amount: Int64, currency: Currency) {
        self.amount = amount
        self.currency = currency
    }
}

/// `POST /v1/payment_intents/{id}/confirm`, or the confirmation parameters of a create with `confirm=true`.
public struct PaymentIntentConfirmation: Sendable {
    public var paymentMethod: String?
    /// `payment_method_data[…]`: a PaymentMethod made for this confirmation (as Stripe.js sends a card).
    public var paymentMethodData: PaymentMethodCreation?
    public var returnURL: String?
    /// `off_session` (true, `one_off` or `recurring`): the customer is not there to authenticate.
    public var offSession = false
    public var setupFutureUsage: String?
    public var captureMethod: PaymentIntent.CaptureMethod?
    public var receiptEmail: String?
    public var signals = FraudSignals()
    /// `payment_method_options[card][request_three_d_secure]`: replaces the intent's when given.
    public var requestThreeDSecure: ThreeDSecureRequest?
    /// `error_on_requires_action`: fail (402 `authentication_required`) rather than wait for a challenge.
    public var errorOnRequiresAction = false
    /// `use_stripe_sdk`: the client handles the challenge (a `use_stripe_sdk` next action, not a redirect).
    public var useStripeSDK = false
    /// Where this server is reached (`http://host:port`), for the challenge page's absolute URL.
    public var authenticationBaseURL: String?

    public init() {}
}

/// `POST /v1/payment_intents/{id}`. nil leaves a field alone; "" clears a text field or the payment method.
public struct PaymentIntentUpdate: Sendable {
    public var amount: Int64?
    public var currency: Currency?
    public var paymentMethod: String?
    public var customerID: String?
    public var captureMethod: PaymentIntent.CaptureMethod?
    public var setupFutureUsage: String?
    public var description: String?
    public var receiptEmail: String?
    public var statementDescriptor: String?
    public var statementDescriptorSuffix: String?
    public var metadata: MetadataUpdate?

    /// `payment_method_options[card][request_three_d_secure]`.
    public var requestThreeDSecure: ThreeDSecureRequest?

    public init() {}
}

/// What a create, confirm, capture or cancel left: the intent, and for a declined attempt the 402 to answer (the
/// intent, its failed charge and the event are kept).
public struct PaymentIntentOutcome: Sendable {
    public var intent: PaymentIntent
    /// The charge this request made (a confirmation), if any.
    public var charge: Charge?
    public var decline: StripeError?

    public init(intent: PaymentIntent, charge: Charge? = nil, decline: StripeError? = nil) {
        self.intent = intent
        self.charge = charge
        self.decline = decline
    }
}
