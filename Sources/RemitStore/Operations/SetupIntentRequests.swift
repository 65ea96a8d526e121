import RemitCore

/// A validated `POST /v1/setup_intents`.
public struct SetupIntentCreation: Sendable {
    public var customerID: String?
    public var paymentMethod: String?
    public var usage = "off_session"
    public var automaticAllowRedirects: String? = "always"
    public var description: String?
    public var metadata = Metadata()
    /// `payment_method_options[card][request_three_d_secure]`.
    public var requestThreeDSecure: ThreeDSecureRequest?
    /// `confirm=true`: confirmed in the same request.
    public var confirmation: SetupIntentConfirmation?

    public init() {}
}

/// `POST /v1/setup_intents/{id}/confirm`, or the confirmation parameters of a create with `confirm=true`.
public struct SetupIntentConfirmation: Sendable {
    public var paymentMethod: String?
    public var returnURL: String?
    public var useStripeSDK = false
    /// `payment_method_options[card][request_three_d_secure]`: replaces the intent's when given.
    public var requestThreeDSecure: ThreeDSecureRequest?
    /// Where this server is reached, for the challenge page's absolute URL.
    public var authenticationBaseURL: String?

    public init() {}
}

/// `POST /v1/setup_intents/{id}`. nil leaves a field alone.
public struct SetupIntentUpdate: Sendable {
    public var customerID: String?
    /// "" removes the payment method.
    public var paymentMethod: String?
    public var description: String?
    public var metadata: MetadataUpdate?
    /// `payment_method_options[card][request_three_d_secure]`.
    public var requestThreeDSecure: ThreeDSecureRequest?

    public init() {}
}

/// What a create or confirm left: the intent, and for a card that failed its check the 402 to answer (the intent
/// and its event are kept).
public struct SetupIntentOutcome: Sendable {
    public var intent: SetupIntent
    public var decline: StripeError?

    public init(intent: SetupIntent, decline: StripeError? = nil) {
        self.intent = intent
        self.decline = decline
    }
}
