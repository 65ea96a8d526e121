import RemitSQL

/// Saved cards (`pm_`), with change capture. What a card keeps is what PCI DSS lets a merchant keep: the BIN, the
/// last four digits and the expiry, never the number. `state` is the reuse rule (unattached, attached, spent) that
/// attach, detach and a payment compare-and-set.
enum Migration0014PaymentMethods {
    static let columns = [
        "seq", "id", "account_id", "created", "type", "customer_id", "state", "card_brand", "card_last4", "card_exp_month",
        "card_exp_year", "card_funding", "card_country", "card_fingerprint", "card_issuer_prefix",
        "named_test_instrument", "cvc_check", "billing_name", "billing_email", "billing_phone", "billing_address",
        "allow_redisplay", "metadata", "livemode",
    ]

    static let migration = Migration(id: 14, name: "payment methods") { dialect in
        let serial = ChangeCaptureDDL.serialPrimaryKey(dialect)
        return [
            """
            CREATE TABLE payment_methods (
                seq \(serial), id TEXT NOT NULL UNIQUE, account_id TEXT NOT NULL, created BIGINT NOT NULL,
                type TEXT NOT NULL CHECK (type = 'card'), customer_id TEXT, state TEXT NOT NULL CHECK (state IN ('unattached', 'attached', 'spent')),
                card_brand TEXT NOT NULL, card_last4 TEXT NOT NULL, card_exp_month BIGINT NOT NULL,
                card_exp_year BIGINT NOT NULL, card_funding TEXT NOT NULL, card_country TEXT NOT NULL,
                card_fingerprint TEXT NOT NULL, card_issuer_prefix TEXT NOT NULL,
                named_test_instrument INTEGER NOT NULL, cvc_check TEXT, billing_name TEXT, billing_email TEXT,
                billing_phone TEXT, billing_address TEXT, allow_redisplay TEXT NOT NULL, metadata TEXT NOT NULL,
                livemode INTEGER NOT NULL,
                CHECK ((state = 'attached') = (customer_id IS NOT NULL))
            )
            """,
            "CREATE INDEX payment_methods_account ON payment_methods (account_id, seq)",
            "CREATE INDEX payment_methods_customer ON payment_methods (account_id, customer_id, seq)",
        ] + ChangeCaptureDDL.triggers(table: "payment_methods", key: "id", columns: columns, dialect: dialect,
                                      stamp: ChangeCaptureDDL.ledgerClockStamp)
    }
}
