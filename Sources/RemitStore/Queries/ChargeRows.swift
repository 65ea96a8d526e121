import RemitCore
import RemitSQL

/// The statements that write and read `charges`.
enum ChargeRows {
    static func insert(_ charge: Charge, on connection: any SQLConnection) async throws {
        let c = charge
        try await connection.execute(.prepared("""
            INSERT INTO charges (id, account_id, created, amount, amount_captured, amount_refunded, currency, captured,
                paid, refunded, disputed, status, customer_id, description, receipt_email, statement_descriptor,
                payment_method_id, card_brand, card_last4, card_exp_month, card_exp_year, card_funding, card_country,
                card_fingerprint, failure_code, failure_message, decline_code, outcome_type, outcome_network_status,
                outcome_risk_level, outcome_risk_score, outcome_reason, outcome_seller_message, balance_transaction_id,
                funds_available_immediately, metadata, livemode, review_id, payment_intent_id, three_d_secure)
            VALUES (\(c.id), \(c.accountID), \(c.created), \(c.amount), \(c.amountCaptured), \(c.amountRefunded),
                \(c.currency.code), \(c.captured), \(c.paid), \(c.refunded), \(c.disputed), \(c.status.rawValue), \(c.customerID),
                \(c.description), \(c.receiptEmail), \(c.statementDescriptor), \(c.paymentMethodID), \(c.card.brand),
                \(c.card.last4), \(c.card.expMonth), \(c.card.expYear), \(c.card.funding), \(c.card.country),
                \(c.card.fingerprint), \(c.failureCode), \(c.failureMessage), \(c.declineCode), \(c.outcome.type),
                \(c.outcome.networkStatus), \(c.outcome.riskLevel), \(c.outcome.riskScore), \(c.outcome.reason),
                \(c.outcome.sellerMessage), \(c.balanceTransactionID), \(c.fundsAvailableImmediately),
                \(c.metadata.storageText), \(c.livemode), \(c.reviewID), \(c.paymentIntentID),
                \(c.threeDSecureResult))
            """))
    }

    /// Writes the mutable fields of a charge back, only if its money state (status, capture, refunds, dispute) is
    /// still the one `previous` was read in: a compare-and-set, so a second writer that read the same state changes
    /// nothing and gets ``StripeError/lockTimeout``.
    static func update(_ charge: Charge, from previous: Charge, on connection: any SQLConnection) async throws {
        let c = charge
        let p = previous
        precondition(c.id == p.id && c.accountID == p.accountID)
        precondition(c.status == p.status || p.status.canTransition(to: c.status), "a charge's decided status never changes")
        let changed = try await connection.execute(.prepared("""
            UPDATE charges SET amount_captured = \(c.amountCaptured), amount_refunded = \(c.amountRefunded),
                captured = \(c.captured), refunded = \(c.refunded), disputed = \(c.disputed), status = \(c.status.rawValue),
                customer_id = \(c.customerID), description = \(c.description), receipt_email = \(c.receiptEmail),
                balance_transaction_id = \(c.balanceTransactionID), metadata = \(c.metadata.storageText),
                review_id = \(c.reviewID)
            WHERE id = \(c.id) AND account_id = \(c.accountID) AND status = \(p.status.rawValue) AND captured = \(p.captured)
                AND amount_captured = \(p.amountCaptured) AND amount_refunded = \(p.amountRefunded)
                AND disputed = \(p.disputed)
            """))
        try RowLock.expectOneChanged(changed)
    }

    static func find(_ id: String, account: String, on connection: any SQLConnection, forUpdate: Bool = false)
        async throws -> Charge?
    {
        try await RowLock.find(.charges, id, account: account, on: connection, forUpdate: forUpdate).map(Charge.init(row:))
    }
}
