import RemitCore
import RemitSQL

/// The statements that write and read `tokens`.
enum TokenRows {
    static func insert(_ token: Token, on connection: any SQLConnection) async throws {
        let t = token
        try await connection.execute("""
            INSERT INTO tokens (id, account_id, created, used, card_id, card_brand, card_last4, card_exp_month,
                card_exp_year, card_funding, card_country, card_fingerprint, card_issuer_prefix, cardholder_name,
                client_ip, livemode)
            VALUES (\(t.id), \(t.accountID), \(t.created), \(t.used), \(t.cardID), \(t.card.brand), \(t.card.last4),
                \(t.card.expMonth), \(t.card.expYear), \(t.card.funding), \(t.card.country), \(t.card.fingerprint),
                \(t.issuerPrefix), \(t.cardholderName), \(t.clientIP), \(t.livemode))
            """)
    }

    static func find(_ id: String, account: String, on connection: any SQLConnection) async throws -> Token? {
        try await connection.queryFirst(.prepared("SELECT * FROM tokens WHERE id = \(id) AND account_id = \(account)"))
            .map(Token.init(row:))
    }

    /// Marks a token used if it was not: a compare-and-set, so of two payments racing for it one gets it.
    /// Returns whether this call used it.
    static func use(_ id: String, account: String, on connection: any SQLConnection) async throws -> Bool {
        try await connection.execute(
            "UPDATE tokens SET used = 1 WHERE id = \(id) AND account_id = \(account) AND used = 0") == 1
    }
}

extension Token {
    public init(row: SQLRow) {
        let card = Card(cardColumnsOf: row)
        self.init(
            id: row.string("id"), accountID: row.string("account_id"), created: row.int("created"),
            used: row.bool("used"), card: card, cardID: row.string("card_id"),
            issuerPrefix: row.string("card_issuer_prefix"), cardholderName: row.optionalString("cardholder_name"),
            clientIP: row.optionalString("client_ip"), livemode: row.bool("livemode"))
    }
}
