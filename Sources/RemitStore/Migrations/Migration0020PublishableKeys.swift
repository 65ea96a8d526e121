import RemitSQL

/// Publishable keys (`pk_test_…`, research/payment-intents.md §7): one per account beside its secret keys, allowed
/// only what Stripe.js does. A publishable key is public, so its row keeps the key itself (in `key_hash`, where the
/// lookup finds it, and in `key_hint`); accounts made before this migration get theirs here.
enum Migration0020PublishableKeys {
    static let migration = Migration(id: 20, name: "publishable keys") { dialect in
        let random = dialect == .postgres
            ? "md5(random()::text || clock_timestamp()::text || a.id)" : "lower(hex(randomblob(16)))"
        return [
            """
            ALTER TABLE api_keys ADD COLUMN kind TEXT NOT NULL DEFAULT 'secret'
                CHECK (kind IN ('secret', 'publishable'))
            """,
            """
            CREATE UNIQUE INDEX api_keys_one_publishable ON api_keys (account_id)
            WHERE kind = 'publishable' AND expires_at IS NULL
            """,
            """
            INSERT INTO api_keys (key_hash, account_id, key_hint, created, id, kind)
            SELECT 'pk_test_' || \(random), a.id, '', a.created, 'key_pk' || a.id, 'publishable'
            FROM accounts a WHERE a.is_platform = 0
            """,
            "UPDATE api_keys SET key_hint = key_hash WHERE kind = 'publishable' AND key_hint = ''",
        ]
    }
}
