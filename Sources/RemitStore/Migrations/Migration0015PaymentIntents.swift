import RemitSQL

/// PaymentIntents, with change capture, and each charge's link to the intent it is an attempt of. What must never
/// happen twice is a constraint: an intent has at most one successful charge (a partial unique index).
enum Migration0015PaymentIntents {
    static let columns = [
        "seq", "id", "account_id", "created", "amount", "currency", "status", "customer_id", "payment_method_id",
        "capture_method", "confirmation_method", "setup_future_usage", "automatic_allow_redirects", "description",
        "receipt_email", "statement_descriptor", "statement_descriptor_suffix", "amount_capturable", "amount_received",
        "latest_charge_id", "review_id", "canceled_at", "cancellation_reason", "client_secret", "last_payment_error",
        "confirmations", "metadata", "livemode",
    ]

    static let migration = Migration(id: 15, name: "payment intents") { dialect in
        let serial = ChangeCaptureDDL.serialPrimaryKey(dialect)
        var statements = [
            """
            CREATE TABLE payment_intents (
                seq \(serial), id TEXT NOT NULL UNIQUE, account_id TEXT NOT NULL, created BIGINT NOT NULL,
                amount BIGINT NOT NULL CHECK (amount > 0), currency TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('requires_payment_method', 'requires_confirmation',
                    'requires_action', 'processing', 'requires_capture', 'canceled', 'succeeded')),
                customer_id TEXT, payment_method_id TEXT, capture_method TEXT NOT NULL,
                confirmation_method TEXT NOT NULL, setup_future_usage TEXT, automatic_allow_redirects TEXT,
                description TEXT, receipt_email TEXT, statement_descriptor TEXT, statement_descriptor_suffix TEXT,
                amount_capturable BIGINT NOT NULL CHECK (amount_capturable >= 0 AND amount_capturable <= amount),
                amount_received BIGINT NOT NULL CHECK (amount_received >= 0 AND amount_received <= amount),
                latest_charge_id TEXT, review_id TEXT, canceled_at BIGINT, cancellation_reason TEXT,
                client_secret TEXT NOT NULL, last_payment_error TEXT, confirmations BIGINT NOT NULL,
                metadata TEXT NOT NULL, livemode INTEGER NOT NULL
            )
            """,
            "CREATE INDEX payment_intents_account ON payment_intents (account_id, seq)",
            "CREATE INDEX payment_intents_customer ON payment_intents (account_id, customer_id, seq)",
            "CREATE INDEX payment_intents_capturable ON payment_intents (status, created)",
            "ALTER TABLE charges ADD COLUMN payment_intent_id TEXT",
            // Partial: the charges of the Charges API (most of them) pay nothing for the intents' index.
            """
            CREATE INDEX charges_payment_intent ON charges (account_id, payment_intent_id, seq)
            WHERE payment_intent_id IS NOT NULL
            """,
            """
            CREATE UNIQUE INDEX charges_one_success_per_intent ON charges (payment_intent_id)
            WHERE payment_intent_id IS NOT NULL AND status = 'succeeded'
            """,
            "ALTER TABLE refunds ADD COLUMN payment_intent_id TEXT",
            """
            CREATE INDEX refunds_payment_intent ON refunds (account_id, payment_intent_id, seq)
            WHERE payment_intent_id IS NOT NULL
            """,
        ]
        statements += ChangeCaptureDDL.triggers(table: "payment_intents", key: "id", columns: columns, dialect: dialect,
                                                stamp: ChangeCaptureDDL.ledgerClockStamp)
        if dialect == .sqlite {
            // SQLite's triggers name their columns: the charges and refunds images gain the link (PostgreSQL's take
            // the whole row).
            for (table, columns) in Migration0009CaptureClock.captured where table == "charges" || table == "refunds" {
                statements += ChangeCaptureDDL.recreatedSQLiteTriggers(table: table, columns: columns + ["payment_intent_id"])
            }
        }
        return statements
    }
}
