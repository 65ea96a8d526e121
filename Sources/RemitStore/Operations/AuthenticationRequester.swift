/// Who sent the customer to a 3-D Secure challenge, kept with the challenge (`payment_authentications.requested_by`).
public enum AuthenticationRequester: String, Sendable {
    /// The card's issuer requires it (the test cards that always, or on session, authenticate).
    case issuer
    /// The merchant asked (`payment_method_options[card][request_three_d_secure]`) on a card that supports it.
    case merchant
    /// The risk check's review band on an enrolled card, on session (Radar's "request 3D Secure" rule).
    case radar
}
