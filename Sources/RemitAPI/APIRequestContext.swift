import Hummingbird
import Logging
import RemitCore

/// The authenticated caller of a request.
public struct Caller: Sendable {
    /// The account the request acts for (the `Stripe-Account` target when the platform key sends one).
    public var accountID: String
    /// True when authenticated with the platform (admin) key.
    public var isPlatform: Bool
    public var livemode: Bool
    /// The SHA-256 of the key used: rate limits are per key.
    public var keyHash: String = ""
    /// True for a publishable key (`pk_test_…`): only what ``PublishableKeyAccess`` allows, intents only with their
    /// client secret, and those rendered as Stripe renders them to the browser.
    public var isPublishable = false
    /// The pinned Stripe API version of the key's account: what a request without `Stripe-Version` speaks, and
    /// what its events are stamped with.
    public var accountAPIVersion: String?
}

/// Per-request state: the request id, the caller, and the limits of the API.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var requestID: String = ""
    public var caller: Caller?
    /// The Stripe API version this request is answered in: its `Stripe-Version`, else its account's pinned one.
    public var apiVersion = StripeAPIVersion.current

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// Stripe's API answers 413 above this; so do we.
    public var maxUploadSize: Int { APILimits.bodyBytesMax }

    func requireCaller() throws(StripeError) -> Caller {
        guard let caller else { throw APIErrors.noKey }
        return caller
    }
}

/// The bounds of the API, in one place.
public enum APILimits {
    public static let bodyBytesMax = 1 << 20
    /// The longest `client_secret` read (an intent's is under 100 characters).
    public static let clientSecretLengthMax = 255
    public static let listLimitMax = 100
    public static let expandDepthMax = 4
}
