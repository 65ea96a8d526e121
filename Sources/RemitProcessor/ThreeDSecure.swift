/// How a card takes part in 3-D Secure (research/payment-intents.md §3): what its issuer asks of a payment.
public enum ThreeDSecureSupport: Sendable, Equatable {
    /// Not enrolled: a requested authentication gets no challenge, the payment proceeds.
    case notEnrolled
    /// Enrolled; authenticates only when the merchant (or Radar) asks (`request_three_d_secure=any`).
    case optional
    /// Every payment must be authenticated, on or off session (4000002760003184).
    case always
    /// Authenticates on session and at setup; off session only until the card is set up (4000002500003155).
    case unlessSetUp
    /// On session it authenticates; off session it never asks (4000003800000446, "already set up").
    case onSessionOnly
    /// 3-D Secure cannot run on it (American Express 0005): the payment proceeds without it.
    case notSupported
}

/// What a payment brings to the issuer's question: whether the customer is there, whether the card was set up for
/// payments without them, whether the merchant asks for authentication, and whether it was done.
public struct AuthenticationContext: Sendable, Equatable {
    public var offSession: Bool
    public var setUpForOffSession: Bool
    /// `payment_method_options[card][request_three_d_secure]` is `any` or `challenge` (or Radar asks).
    public var requested: Bool
    /// The customer completed a challenge for this payment.
    public var authenticated: Bool

    public init(offSession: Bool = false, setUpForOffSession: Bool = false, requested: Bool = false,
                authenticated: Bool = false) {
        self.offSession = offSession
        self.setUpForOffSession = setUpForOffSession
        self.requested = requested
        self.authenticated = authenticated
    }
}

extension ThreeDSecureSupport {
    /// Whether a challenge can run on the card at all (the risk check may ask for one only then).
    public var isEnrolled: Bool {
        switch self {
        case .notEnrolled, .notSupported: false
        case .optional, .always, .unlessSetUp, .onSessionOnly: true
        }
    }

    /// Whether the issuer requires this payment to be authenticated.
    public func requiresAuthentication(_ context: AuthenticationContext) -> Bool {
        switch self {
        case .notEnrolled, .notSupported: false
        case .optional: context.requested && !context.offSession
        case .always: true
        case .unlessSetUp: !(context.offSession && context.setUpForOffSession)
        case .onSessionOnly: !context.offSession
        }
    }
}
