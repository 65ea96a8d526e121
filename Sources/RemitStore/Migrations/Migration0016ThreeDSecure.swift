import RemitSQL

/// 3-D Secure: the pending challenges of PaymentIntents and SetupIntents (`payment_authentications`, one open per
/// intent, a constraint), an intent's `next_action`, a charge's `three_d_secure` result, and whether a PaymentMethod was set
/// up for payments without the customer.
enum Migration0016ThreeDSecure {
    static let migration = Migration(id: 16, name: "3-D Secure") { dialect in
        var statements = [
            """
            CREATE TABLE payment_authentications (
                id TEXT PRIMARY KEY, account_id TEXT NOT NULL, livemode INTEGER NOT NULL, intent_id TEXT NOT NULL,
                created BIGINT NOT NULL, expires_at BIGINT NOT NULL, return_url TEXT,
                status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'used', 'failed', 'canceled'))
            )
            """,
            """
            CREATE UNIQUE INDEX payment_authentications_one_pending ON payment_authentications (intent_id)
            WHERE status = 'pending'
            """,
            "CREATE INDEX payment_authentications_intent ON payment_authentications (intent_id)",
            "ALTER TABLE payment_methods ADD COLUMN set_up_off_session INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE payment_intents ADD COLUMN next_action TEXT",
            "ALTER TABLE charges ADD COLUMN three_d_secure TEXT",
        ]
        if dialect == .sqlite {
            let charges = Migration0009CaptureClock.captured.first { $0.0 == "charges" }!.1
            statements += ChangeCaptureDDL.recreatedSQLiteTriggers(
                table: "charges", columns: charges + ["payment_intent_id", "three_d_secure"])
            statements += ChangeCaptureDDL.recreatedSQLiteTriggers(
                table: "payment_methods", columns: Migration0014PaymentMethods.columns + ["set_up_off_session"])
            statements += ChangeCaptureDDL.recreatedSQLiteTriggers(
                table: "payment_intents", columns: Migration0015PaymentIntents.columns + ["next_action"])
        }
        return statements
    }
}
