import RemitSQL

/// A dispute and a review name the PaymentIntent of their charge (research/payment-intents.md §9, §10:
/// `dispute.payment_intent`, `review.payment_intent`), and disputes list by it. Rows made before are filled from their
/// charge.
enum Migration0024DisputeAndReviewIntents {
    static let migration = Migration(id: 24, name: "dispute and review payment intents") { dialect in
        var statements = [
            "ALTER TABLE disputes ADD COLUMN payment_intent_id TEXT",
            "ALTER TABLE reviews ADD COLUMN payment_intent_id TEXT",
            """
            UPDATE disputes SET payment_intent_id = (SELECT c.payment_intent_id FROM charges c WHERE c.id = disputes.charge_id)
            """,
            """
            UPDATE reviews SET payment_intent_id = (SELECT c.payment_intent_id FROM charges c WHERE c.id = reviews.charge_id)
            """,
            """
            CREATE INDEX disputes_payment_intent ON disputes (account_id, payment_intent_id, seq)
            WHERE payment_intent_id IS NOT NULL
            """,
        ]
        if dialect == .sqlite {
            let disputes = Migration0009CaptureClock.captured.first { $0.0 == "disputes" }!.1
            statements += ChangeCaptureDDL.recreatedSQLiteTriggers(table: "disputes", columns: disputes + ["payment_intent_id"])
        }
        return statements
    }
}
