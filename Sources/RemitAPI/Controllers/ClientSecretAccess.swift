import RemitCore

/// How the browser reaches an intent (research/payment-intents.md §7): with a publishable key, only with the intent's
/// client secret, without expansions, and seeing only the fields Stripe shows Stripe.js (no customer, metadata or
/// charges). With a secret key everything is visible, and a `client_secret` given is still checked.
struct ClientSecretAccess: Sendable {
    /// `PaymentIntent` or `SetupIntent`, as the errors name it.
    let noun: String
    /// The fields a publishable key sees.
    let browserFields: Set<String>

    static let paymentIntent = ClientSecretAccess(noun: "PaymentIntent", browserFields: [
        "id", "object", "amount", "amount_details", "automatic_payment_methods", "canceled_at", "cancellation_reason",
        "capture_method", "client_secret", "confirmation_method", "created", "currency", "description",
        "last_payment_error", "livemode", "next_action", "payment_method", "payment_method_types", "processing",
        "receipt_email", "setup_future_usage", "shipping", "status",
    ])

    static let setupIntent = ClientSecretAccess(noun: "SetupIntent", browserFields: [
        "id", "object", "automatic_payment_methods", "cancellation_reason", "client_secret", "created", "description",
        "last_setup_error", "livemode", "next_action", "payment_method", "payment_method_types", "status", "usage",
    ])

    /// Before anything else of the request: a publishable key must bring a client secret and cannot expand.
    func admit(_ caller: Caller, clientSecret: String?, expand: [String]?) throws(StripeError) {
        guard caller.isPublishable else { return }
        if clientSecret == nil { throw StripeError.missing("client_secret") }
        if let expand, !expand.isEmpty {
            throw StripeError.invalid("expand", "Objects cannot be expanded with a publishable API key.")
        }
    }

    /// The given client secret against the intent's (a secret key may omit it).
    func check(_ given: String?, against secret: String) throws(StripeError) {
        guard let given, given != secret else { return }
        throw StripeError.invalid(
            "client_secret", "The client_secret provided does not match the client_secret associated with the \(noun).")
    }

    /// What the caller sees of a rendered intent.
    func view(_ json: JSONValue, for caller: Caller) -> JSONValue {
        guard caller.isPublishable, case .object(let fields) = json else { return json }
        return .object(fields.filter { browserFields.contains($0.0) })
    }

    /// An error as the caller sees it: an intent it embeds is viewed like the intent itself.
    func view(_ error: StripeError, for caller: Caller, intentField: String) -> StripeError {
        guard caller.isPublishable else { return error }
        var error = error
        error.embedded = error.embedded.map { $0.name == intentField ? ($0.name, view($0.object, for: caller)) : $0 }
        return error
    }
}
