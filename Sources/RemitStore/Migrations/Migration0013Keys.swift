import RemitSQL

/// API keys that can be rolled and revoked: an id to name one by, and an expiry (a rolled key stays valid until the
/// expiry its caller chose; a revoked one expires at once). Settings of the installation that are not business
/// records, such as the check value of the card fingerprint key (never the key itself).
enum Migration0013Keys {
    static let migration = Migration(id: 13, name: "keys that roll and expire; installation settings") { _ in
        [
            "ALTER TABLE api_keys ADD COLUMN id TEXT",
            "UPDATE api_keys SET id = 'key_' || substr(key_hash, 1, 24)",
            "CREATE UNIQUE INDEX api_keys_id ON api_keys (id)",
            "ALTER TABLE api_keys ADD COLUMN expires_at BIGINT",
            "CREATE INDEX api_keys_account ON api_keys (account_id)",
            "CREATE TABLE installation_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ]
    }
}
