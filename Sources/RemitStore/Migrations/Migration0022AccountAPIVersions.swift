import RemitSQL

/// An account's Stripe API version (research/payment-intents.md §8), pinned once by its first request: the
/// request's `Stripe-Version`, or Remit's current version. The primary key makes a second pin impossible; a request
/// without the header is answered, and its events stamped, at the pinned version.
enum Migration0022AccountAPIVersions {
    static let migration = Migration(id: 22, name: "account API versions") { _ in
        [
            """
            CREATE TABLE account_api_versions (
                account_id TEXT PRIMARY KEY, api_version TEXT NOT NULL, pinned_at BIGINT NOT NULL
            )
            """,
        ]
    }
}
