import RemitCore
import RemitSQL

/// One secret key of an account, as its owner may see it (never the key itself: it is stored only as its hash).
public struct APIKey: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var kind: APIKeyKind
    /// A secret key's hint, or the publishable key itself.
    public var hint: String
    public var created: Int64
    /// When a rolled or revoked key stops working; nil while it has no end.
    public var expiresAt: Int64?

    init(row: SQLRow) {
        id = row.string("id")
        accountID = row.string("account_id")
        kind = APIKeyKind(rawValue: row.string("kind")) ?? .secret
        hint = row.string("key_hint")
        created = row.int("created")
        expiresAt = row.optionalInt("expires_at")
    }

    public func json(livemode: Bool) -> JSONValue {
        .object([
            ("id", .string(id)), ("object", .string("api_key")), ("created", .int(created)),
            ("expires_at", expiresAt.map(JSONValue.int) ?? .null), ("livemode", .bool(livemode)),
            ("redacted_value", .string(hint)), ("type", .string(kind.rawValue)),
        ])
    }
}

/// Who a key authenticates, and until when.
public struct KeyOwner: Sendable {
    public var account: Account
    public var expiresAt: Int64?
    public var kind: APIKeyKind
    /// The account's pinned Stripe API version; nil until its first request pins one.
    public var apiVersion: String?
}

/// The limits of rolling a key.
public enum APIKeyPolicy {
    /// A rolled key stays valid at most this long (Stripe offers up to 7 days).
    public static let rollExpiryMaxSeconds: Int64 = 7 * 86_400
    /// By default a rolled key stays valid a day, time to deploy the new one.
    public static let rollExpiryDefaultSeconds: Int64 = 86_400
}

enum APIKeyRows {
    static func insert(_ key: String, id: String, account: String, created: Int64,
                       on connection: any SQLConnection) async throws {
        try await connection.execute("""
            INSERT INTO api_keys (key_hash, account_id, key_hint, created, id, kind)
            VALUES (\(APIKeyKind.lookupValue(key)), \(account), \(APIKeyKind.shown(key)), \(created), \(id),
                \(APIKeyKind(of: key).rawValue))
            """)
    }
}

extension Ledger {
    /// The account a key authenticates (by ``APIKeyKind/lookupValue(_:)``), if the key exists and has not expired.
    public func keyOwner(forKeyHash hash: String) async throws -> KeyOwner? {
        let now = clock.unixSeconds()
        return try await read { connection in
            guard let row = try await connection.queryFirst("""
                SELECT a.*, k.expires_at AS key_expires_at, k.kind AS key_kind, v.api_version AS account_api_version
                FROM api_keys k JOIN accounts a ON a.id = k.account_id
                LEFT JOIN account_api_versions v ON v.account_id = a.id
                WHERE k.key_hash = \(hash) AND (k.expires_at IS NULL OR k.expires_at > \(now))
                """) else { return nil }
            return KeyOwner(account: Account(row: row), expiresAt: row.optionalInt("key_expires_at"),
                            kind: APIKeyKind(rawValue: row.string("key_kind")) ?? .secret,
                            apiVersion: row.optionalString("account_api_version"))
        }
    }

    /// The SHA-256 of every valid platform key (the dashboards sign their sessions with them).
    public func platformKeyHashes() async throws -> [String] {
        let now = clock.unixSeconds()
        return try await read { connection in
            try await connection.query("""
                SELECT k.key_hash FROM api_keys k JOIN accounts a ON a.id = k.account_id
                WHERE a.is_platform = 1 AND k.kind = 'secret' AND (k.expires_at IS NULL OR k.expires_at > \(now))
                """).map { $0.string("key_hash") }
        }
    }

    /// Whether the platform account exists and has at least one key.
    public func platformHasKey() async throws -> Bool {
        try await !platformKeyHashes().isEmpty
    }

    /// Creates the platform account if needed and makes `key` its only key: a platform key replaced in the
    /// configuration stops working as the node starts with the new one.
    @discardableResult
    public func registerPlatformKey(_ key: String) async throws -> Account {
        let hash = SecretKey.hash(key)
        let now = clock.unixSeconds()
        return try await transaction { connection in
            if connection.dialect == .postgres {
                try await connection.execute("SELECT pg_advisory_xact_lock(7265747)")
            }
            var platform = try await connection.queryFirst("SELECT * FROM accounts WHERE is_platform = 1")
                .map(Account.init(row:))
            if platform == nil {
                let account = Account(
                    id: ids("acct"), created: now, isPlatform: true, type: "standard", country: "US",
                    email: nil, defaultCurrency: .usd, businessProfile: "{\"name\":\"Remit platform\"}",
                    metadata: Metadata(), livemode: false)
                try await AccountRows.insert(account, on: connection)
                platform = account
            }
            guard let platform else { preconditionFailure("the platform account was just read or created") }
            try await connection.execute("""
                DELETE FROM api_keys WHERE account_id = \(platform.id) AND key_hash <> \(hash)
                """)
            if try await connection.queryFirst("SELECT 1 AS found FROM api_keys WHERE key_hash = \(hash)") == nil {
                try await APIKeyRows.insert(key, id: ids("key"), account: platform.id, created: now, on: connection)
            }
            return platform
        }
    }
}

extension Ledger {
    /// Pins an account's Stripe API version unless one is pinned already (the primary key decides a race); returns
    /// the pinned version.
    public func pinAPIVersion(accountID: String, _ version: String) async throws -> String {
        let now = clock.unixSeconds()
        return try await transaction { connection in
            try await connection.execute("""
                INSERT INTO account_api_versions (account_id, api_version, pinned_at) VALUES (\(accountID), \(version), \(now))
                ON CONFLICT (account_id) DO NOTHING
                """)
            return try await connection.queryFirst(
                "SELECT api_version FROM account_api_versions WHERE account_id = \(accountID)")?.string("api_version") ?? version
        }
    }
}

extension LedgerReader {
    /// The account's keys, newest first: valid ones and those that expired in the last 7 days.
    public func keys() async throws -> [APIKey] {
        try await connection.query("""
            SELECT * FROM api_keys WHERE account_id = \(accountID)
                AND (expires_at IS NULL OR expires_at > \(now - APIKeyPolicy.rollExpiryMaxSeconds))
            ORDER BY created DESC, id
            """).map(APIKey.init(row:))
    }
}

extension LedgerTransaction {
    /// Rolls the account's secret keys (its publishable key stays): every valid secret key expires `expiresIn` seconds from now (0: at once) unless it expires
    /// sooner, and a new key is made. Returns it with its secret, shown this once.
    public func rollKeys(expiresIn: Int64) async throws -> (APIKey, secret: String) {
        precondition((0...APIKeyPolicy.rollExpiryMaxSeconds).contains(expiresIn))
        let expiry = now + expiresIn
        try await connection.execute("""
            UPDATE api_keys SET expires_at = \(expiry)
            WHERE account_id = \(accountID) AND kind = 'secret' AND (expires_at IS NULL OR expires_at > \(expiry))
            """)
        let secret = SecretKey.generate()
        let id = ledger.ids("key")
        try await APIKeyRows.insert(secret, id: id, account: accountID, created: now, on: connection)
        let row = try await connection.queryFirst("SELECT * FROM api_keys WHERE id = \(id)")
        guard let row else { preconditionFailure("the key was just inserted") }
        return (APIKey(row: row), secret)
    }

    /// Revokes one of the account's keys at once.
    public func revokeKey(_ id: String) async throws -> APIKey {
        let changed = try await connection.execute("""
            UPDATE api_keys SET expires_at = \(now)
            WHERE id = \(id) AND account_id = \(accountID) AND kind = 'secret'
                AND (expires_at IS NULL OR expires_at > \(now))
            """)
        // Two steps, not one guard with an `await` in it: the release build's coroutine splitting crashed on that.
        guard changed == 1 else { throw StripeError.noSuch("api_key", id) }
        let row = try await connection.queryFirst("SELECT * FROM api_keys WHERE id = \(id) AND account_id = \(accountID)")
        guard let row else { throw StripeError.noSuch("api_key", id) }
        return APIKey(row: row)
    }
}
