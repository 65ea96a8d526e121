import RemitSQL

/// SetupIntents, with change capture.
enum Migration0017SetupIntents {
    static let columns = [
        "seq", "id", "account_id", "created", "status", "customer_id", "payment_method_id", "usage",
        "automatic_allow_redirects", "description", "cancellation_reason", "client_secret", "last_setup_error",
        "next_action", "confirmations", "metadata", "livemode",
    ]

    static let migration = Migration(id: 17, name: "setup intents") { dialect in
        let serial = ChangeCaptureDDL.serialPrimaryKey(dialect)
        return [
            """
            CREATE TABLE setup_intents (
                seq \(serial), id TEXT NOT NULL UNIQUE, account_id TEXT NOT NULL, created BIGINT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('requires_payment_method', 'requires_confirmation',
                    'requires_action', 'processing', 'canceled', 'succeeded')),
                customer_id TEXT, payment_method_id TEXT,
                usage TEXT NOT NULL CHECK (usage IN ('off_session', 'on_session')), automatic_allow_redirects TEXT,
                description TEXT, cancellation_reason TEXT, client_secret TEXT NOT NULL, last_setup_error TEXT,
                next_action TEXT, confirmations BIGINT NOT NULL, metadata TEXT NOT NULL, livemode INTEGER NOT NULL
            )
            """,
            "CREATE INDEX setup_intents_account ON setup_intents (account_id, seq)",
            "CREATE INDEX setup_intents_customer ON setup_intents (account_id, customer_id, seq)",
        ] + ChangeCaptureDDL.triggers(table: "setup_intents", key: "id", columns: columns, dialect: dialect,
                                      stamp: ChangeCaptureDDL.ledgerClockStamp)
    }
}
