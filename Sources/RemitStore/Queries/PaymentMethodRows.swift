import RemitCore
import RemitSQL

/// The statements that write and read `payment_methods`.
enum PaymentMethodRows {
    static func insert(_ method: PaymentMethod, on connection: any SQLConnection) async throws {
        let m = method
        let b = m.billingDetails
        try await connection.execute("""
            INSERT INTO payment_methods (id, account_id, created, type, customer_id, state, card_brand, card_last4,
                card_exp_month, card_exp_year, card_funding, card_country, card_fingerprint, card_issuer_prefix,
                named_test_instrument, cvc_check, billing_name, billing_email, billing_phone, billing_address,
                allow_redisplay, metadata, livemode, object)
            VALUES (\(m.id), \(m.accountID), \(m.created), 'card', \(m.customerID), \(m.state.rawValue), \(m.card.brand),
                \(m.card.last4), \(m.card.expMonth), \(m.card.expYear), \(m.card.funding), \(m.card.country),
                \(m.card.fingerprint), \(m.issuerPrefix), \(m.isNamedTestInstrument), \(m.cvcCheck), \(b.name),
                \(b.email), \(b.phone), \(b.address), \(m.allowRedisplay), \(m.metadata.storageText), \(m.livemode),
                \(m.isCardSource ? "card" : "payment_method"))
            """)
    }

    /// Writes a PaymentMethod back if its state and customer are still those of `previous` (a compare-and-set: a
    /// racing attach or detach that read the same row changes nothing and gets ``StripeError/lockTimeout``).
    static func update(_ method: PaymentMethod, from previous: PaymentMethod, on connection: any SQLConnection)
        async throws
    {
        let m = method
        let b = m.billingDetails
        precondition(m.id == previous.id && m.accountID == previous.accountID)
        precondition(m.state == previous.state || previous.state.canTransition(to: m.state))
        let changed = try await connection.execute("""
            UPDATE payment_methods SET customer_id = \(m.customerID), state = \(m.state.rawValue),
                card_exp_month = \(m.card.expMonth), card_exp_year = \(m.card.expYear), cvc_check = \(m.cvcCheck),
                billing_name = \(b.name), billing_email = \(b.email), billing_phone = \(b.phone),
                billing_address = \(b.address), allow_redisplay = \(m.allowRedisplay),
                set_up_off_session = \(m.setUpForOffSession), metadata = \(m.metadata.storageText)
            WHERE id = \(m.id) AND account_id = \(m.accountID) AND state = \(previous.state.rawValue)
                AND customer_id IS NOT DISTINCT FROM \(previous.customerID)
            """)
        try RowLock.expectOneChanged(changed)
    }

    static func find(_ id: String, account: String, on connection: any SQLConnection, forUpdate: Bool = false)
        async throws -> PaymentMethod?
    {
        try await RowLock.find(.paymentMethods, id, account: account, on: connection, forUpdate: forUpdate).map(PaymentMethod.init(row:))
    }
}

extension PaymentMethod {
    public init(row: SQLRow) {
        let card = Card(cardColumnsOf: row)
        self.init(
            id: row.string("id"), accountID: row.string("account_id"), created: row.int("created"),
            customerID: row.optionalString("customer_id"),
            state: PaymentMethodState(rawValue: row.string("state")) ?? .spent, card: card,
            issuerPrefix: row.string("card_issuer_prefix"), isNamedTestInstrument: row.bool("named_test_instrument"),
            cvcCheck: row.optionalString("cvc_check"),
            billingDetails: BillingDetails(
                name: row.optionalString("billing_name"), email: row.optionalString("billing_email"),
                phone: row.optionalString("billing_phone"), address: row.optionalString("billing_address")),
            allowRedisplay: row.string("allow_redisplay"), metadata: Metadata(storageText: row.string("metadata")),
            livemode: row.bool("livemode"))
        setUpForOffSession = row.bool("set_up_off_session")
    }
}
