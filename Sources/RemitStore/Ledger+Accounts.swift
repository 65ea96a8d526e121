import RemitCore
import RemitSQL

extension LedgerTransaction {
    /// Creates a merchant account and its first secret key; the key is returned this once.
    /// A new merchant account with its first secret key and its publishable key.
    public func createAccount(_ request: AccountRequest) async throws
        -> (Account, secretKey: String, publishableKey: String)
    {
        let account = Account(
            id: ledger.ids("acct"), created: now, isPlatform: false, type: request.type, country: request.country,
            email: request.email,
            defaultCurrency: request.defaultCurrency ?? AccountRequest.defaultCurrency(forCountry: request.country),
            businessProfile: request.businessProfile, metadata: request.metadata, livemode: context.livemode)
        try await AccountRows.insert(account, on: connection)
        let key = SecretKey.generate()
        try await APIKeyRows.insert(key, id: ledger.ids("key"), account: account.id, created: now, on: connection)
        let publishable = APIKeyKind.generatePublishable()
        try await APIKeyRows.insert(publishable, id: ledger.ids("key"), account: account.id, created: now, on: connection)
        return (account, key, publishable)
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
