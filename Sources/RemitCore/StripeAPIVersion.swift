import Foundation

/// The Stripe API version Remit speaks: sent as `Stripe-Version` on every response, stamped on every event, and the
/// version of `/openapi.json`. One place, so they cannot disagree.
public enum StripeAPIVersion {
    public static let current = "2024-06-20"

    /// The longest `Stripe-Version` header read; a longer one is refused, and echoed only this far in the error.
    public static let headerBytesMax = 200

    /// The released version a `Stripe-Version` header names: its first part, with any beta flags after `;`
    /// (`2020-08-27; unified_accounts_beta=v1`) ignored. nil when it names none: a typo (`2019-2-19`), a made-up
    /// release (`2025-09-30.acacia`), two versions (`2019-05-16, 2019-12-03`), an over-long header.
    public static func requested(by header: String) -> String? {
        guard header.utf8.count <= headerBytesMax else { return nil }
        let name = (header.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            .trimmingCharacters(in: .whitespaces)
        return releasedSet.contains(name) ? name : nil
    }

    static let releasedSet = Set(released)

    /// Whether a released version (`2022-08-01`, `2024-09-30.acacia`) came out before a date (`YYYY-MM-DD`).
    public static func isBefore(_ version: String, _ date: String) -> Bool {
        version.prefix(10) < date.prefix(10)
    }
}
