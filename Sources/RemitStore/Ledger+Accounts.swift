import Crypto
import Foundation
import RemitCore
import RemitSQL

/// A secret API key: shown once, stored only as its SHA-256.
public enum SecretKey {
    /// `sk_test_` and 32 base-62 characters: about 190 bits, so a fast hash is safe for lookup.
    public static func generate() -> String { "sk_test_" + RandomText.base62(count: 32) }

    public static func hash(_ key: String) -> String {
        Hex.encode(SHA256.hash(data: Array(key.utf8)))
    }

    /// What logs and errors may show of a key: its prefix and last four characters.
    public static func hint(_ key: String) -> String {
        let prefix = key.hasPrefix("sk_live_") ? "sk_live_" : key.hasPrefix("sk_test_") ? "sk_test_" : ""
        return prefix + "****" + String(key.suffix(4))
    }
}

extension Ledger {
    /// The account a key hash belongs to, if any.
    public func account(forKeyHash hash: String) async throws -> Account? {
        try await read { connection in
            try await connection.queryFirst("""
                SELECT a.* FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE k.key_hash = \(hash)
                """).map(Account.init(row:))
        }
    }

    /// The SHA-256 of every platform key (the dashboards sign their sessions with them).
    public func platformKeyHashes() async throws -> [String] {
        try await read { connection in
            try await connection.query("""
                SELECT k.key_hash FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE a.is_platform = 1
                """).map { $0.string("key_hash") }
        }
    }

    /// Whether the platform account exists and has at least one key.
    public func platformHasKey() async throws -> Bool {
        try await read { connection in
            try await connection.queryFirst("""
                SELECT k.key_hash FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE a.is_platform = 1 LIMIT 1
                """) != nil
        }
    }

    /// Creates the platform account if needed and registers `key` as one of its keys.
    @discardableResult
    public func registerPlatformKey(_ key: String) async throws -> Account {
        let hash = SecretKey.hash(key)
        let hint = SecretKey.hint(key)
        return try await transaction { connection in
            if connection.dialect == .postgres {
                try await connection.execute("SELECT pg_advisory_xact_lock(7265747)")
            }
            var platform = try await connection.queryFirst("SELECT * FROM accounts WHERE is_platform = 1")
                .map(Account.init(row:))
            if platform == nil {
                let account = Account(
                    id: ids("acct"), created: clock.unixSeconds(), isPlatform: true, type: "standard", country: "US",
                    email: nil, defaultCurrency: .usd, businessProfile: "{\"name\":\"Remit platform\"}",
                    metadata: Metadata(), livemode: false)
                try await AccountRows.insert(account, on: connection)
                platform = account
            }
            try await connection.execute("""
                INSERT INTO api_keys (key_hash, account_id, key_hint, created)
                VALUES (\(hash), \(platform!.id), \(hint), \(clock.unixSeconds()))
                ON CONFLICT (key_hash) DO NOTHING
                """)
            return platform!
        }
    }
}

extension LedgerTransaction {
    /// Creates a merchant account and its first secret key; the key is returned this once.
    public func createAccount(_ request: AccountRequest) async throws -> (Account, secretKey: String) {
        let account = Account(
            id: ledger.ids("acct"), created: now, isPlatform: false, type: request.type, country: request.country,
            email: request.email,
            defaultCurrency: request.defaultCurrency ?? AccountRequest.defaultCurrency(forCountry: request.country),
            businessProfile: request.businessProfile, metadata: request.metadata, livemode: context.livemode)
        try await AccountRows.insert(account, on: connection)
        let key = SecretKey.generate()
        try await connection.execute("""
            INSERT INTO api_keys (key_hash, account_id, key_hint, created)
            VALUES (\(SecretKey.hash(key)), \(account.id), \(SecretKey.hint(key)), \(now))
            """)
        return (account, key)
    }
}

enum AccountRows {
    static func insert(_ account: Account, on connection: any SQLConnection) async throws {
        try await connection.execute("""
            INSERT INTO accounts (id, created, is_platform, type, country, email, default_currency, business_profile,
                metadata, livemode)
            VALUES (\(account.id), \(account.created), \(account.isPlatform), \(account.type), \(account.country),
                \(account.email), \(account.defaultCurrency.code), \(account.businessProfile),
                \(account.metadata.storageText), \(account.livemode))
            """)
    }
}

extension Ledger {
    /// An account by id, for `Stripe-Account` and `GET /v1/account`.
    public func accountRecord(_ id: String) async throws -> Account? {
        try await read { connection in
            try await connection.queryFirst("SELECT * FROM accounts WHERE id = \(id)").map(Account.init(row:))
        }
    }
}
