import RemitSQL

/// Card tokens: single use (`used`, set by a compare-and-set when a payment or a PaymentMethod consumes one). Like a
/// PaymentMethod, a token keeps the card's BIN, last four digits and expiry, never its number.
enum Migration0018Tokens {
    static let migration = Migration(id: 18, name: "tokens") { _ in
        [
            """
            CREATE TABLE tokens (
                id TEXT PRIMARY KEY, account_id TEXT NOT NULL, created BIGINT NOT NULL, used INTEGER NOT NULL,
                card_id TEXT NOT NULL, card_brand TEXT NOT NULL, card_last4 TEXT NOT NULL,
                card_exp_month BIGINT NOT NULL, card_exp_year BIGINT NOT NULL, card_funding TEXT NOT NULL,
                card_country TEXT NOT NULL, card_fingerprint TEXT NOT NULL, card_issuer_prefix TEXT NOT NULL,
                cardholder_name TEXT, client_ip TEXT, livemode INTEGER NOT NULL
            )
            """,
        ]
    }
}
