/// The Stripe API version Remit speaks: sent as `Stripe-Version` on every response, stamped on every event, and the
/// version of `/openapi.json`. One place, so they cannot disagree.
public enum StripeAPIVersion {
    public static let current = "2024-06-20"
}
