/// `payment_method_options[card][request_three_d_secure]` of a PaymentIntent or SetupIntent: remembered from its
/// create or update, replaced by a confirmation that names it.
public enum ThreeDSecureRequest: String, Sendable, CaseIterable {
    /// Authenticate when the issuer or the risk check asks.
    case automatic
    /// Ask for authentication whenever the card supports it.
    case any
    /// Ask for a challenge whenever the card supports it.
    case challenge

    /// Whether the merchant asks for authentication (a card that supports it is challenged).
    public var asksForAuthentication: Bool { self != .automatic }
}
