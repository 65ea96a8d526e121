import RemitCore

/// The two kinds of API key an account has: secret keys (`sk_test_…`, shown once, stored as their SHA-256) and its
/// publishable key (`pk_test_…`, public by design: Stripe.js sends it from the browser; allowed only what Stripe.js
/// does, research/payment-intents.md §7).
public enum APIKeyKind: String, Sendable {
    case secret
    case publishable

    public static let publishablePrefix = "pk_test_"

    public init(of key: String) {
        self = key.hasPrefix("pk_") ? .publishable : .secret
    }

    /// A new publishable key: `pk_test_` and 32 base-62 characters.
    public static func generatePublishable() -> String { publishablePrefix + RandomText.base62(count: 32) }

    /// What `api_keys.key_hash` holds for a key, the value it is looked up by: a secret key's SHA-256; a publishable
    /// key itself (it is no secret).
    public static func lookupValue(_ key: String) -> String {
        APIKeyKind(of: key) == .publishable ? key : SecretKey.hash(key)
    }

    /// What may be shown of a key: a secret key's hint; a publishable key whole.
    public static func shown(_ key: String) -> String {
        APIKeyKind(of: key) == .publishable ? key : SecretKey.hint(key)
    }
}
