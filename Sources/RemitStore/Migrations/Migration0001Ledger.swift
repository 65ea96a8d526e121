import RemitSQL

/// The ledger: accounts and keys, customers, charges, refunds, balance transactions and balances,
/// events (the outbox), idempotency keys, the API request log, and change capture on the business tables.
enum Migration0001Ledger {
    static let migration = Migration(id: 1, name: "ledger") { dialect in
        let serial = ChangeCaptureDDL.serialPrimaryKey(dialect)
        var statements = ChangeCaptureDDL.foundation(dialect)
        statements += [
            """
            CREATE TABLE accounts (
                seq \(serial), id TEXT NOT NULL UNIQUE, created BIGINT NOT NULL, is_platform INTEGER NOT NULL,
                type TEXT NOT NULL, country TEXT NOT NULL, email TEXT, default_currency TEXT NOT NULL,
                business_profile TEXT NOT NULL, metadata TEXT NOT NULL, livemode INTEGER NOT NULL
            )
            """,
            """
            CREATE TABLE api_keys (
                key_hash TEXT PRIMARY KEY, account_id TEXT NOT NULL, key_hint TEXT NOT NULL, created BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE customers (
                seq \(serial), id TEXT NOT NULL UNIQUE, account_id TEXT NOT NULL, created BIGINT NOT NULL,
                email TEXT, name TEXT, description TEXT, phone TEXT, address TEXT, default_payment_method TEXT,
                balance BIGINT NOT NULL, metadata TEXT NOT NULL, deleted INTEGER NOT NULL, livemode INTEGER NOT NULL
            )
            """,
            "CREATE INDEX customers_account ON customers (account_id, seq)",
            "CREATE INDEX customers_email ON customers (account_id, email, seq)",
            """
            CREATE TABLE charges (
                seq \(serial), id TEXT NOT NULL UNIQUE, account_id TEXT NOT NULL, created BIGINT NOT NULL,
                amount BIGINT NOT NULL, amount_captured BIGINT NOT NULL, amount_refunded BIGINT NOT NULL,
                currency TEXT NOT NULL, captured INTEGER NOT NULL, paid INTEGER NOT NULL, refunded INTEGER NOT NULL,
                disputed INTEGER NOT NULL, status TEXT NOT NULL, customer_id TEXT, description TEXT,
                receipt_email TEXT, statement_descriptor TEXT, payment_method_id TEXT NOT NULL,
                card_brand TEXT NOT NULL, card_last4 TEXT NOT NULL, card_exp_month INTEGER NOT NULL,
                card_exp_year INTEGER NOT NULL, card_funding TEXT NOT NULL, card_country TEXT NOT NULL,
                card_fingerprint TEXT NOT NULL, failure_code TEXT, failure_message TEXT, decline_code TEXT,
                outcome_type TEXT NOT NULL, outcome_network_status TEXT NOT NULL, outcome_risk_level TEXT NOT NULL,
                outcome_risk_score INTEGER NOT NULL, outcome_reason TEXT, outcome_seller_message TEXT NOT NULL,
                balance_transaction_id TEXT, funds_available_immediately INTEGER NOT NULL,
                metadata TEXT NOT NULL, livemode INTEGER NOT NULL
            )
            """,
            "CREATE INDEX charges_account ON charges (account_id, seq)",
            "CREATE INDEX charges_customer ON charges (account_id, customer_id, seq)",
            """
            CREATE TABLE refunds (
                seq \(serial), id TEXT NOT NULL UNIQUE, account_id TEXT NOT NULL, created BIGINT NOT NULL,
                charge_id TEXT NOT NULL, amount BIGINT NOT NULL, currency TEXT NOT NULL, status TEXT NOT NULL,
                reason TEXT, balance_transaction_id TEXT, metadata TEXT NOT NULL, livemode INTEGER NOT NULL
            )
            """,
            "CREATE INDEX refunds_account ON refunds (account_id, seq)",
            "CREATE INDEX refunds_charge ON refunds (account_id, charge_id, seq)",
            """
            CREATE TABLE balance_transactions (
                seq \(serial), id TEXT NOT NULL UNIQUE, account_id TEXT NOT NULL, created BIGINT NOT NULL,
                amount BIGINT NOT NULL, currency TEXT NOT NULL, fee BIGINT NOT NULL, net BIGINT NOT NULL,
                type TEXT NOT NULL, reporting_category TEXT NOT NULL, source_id TEXT NOT NULL,
                available_on BIGINT NOT NULL, description TEXT, livemode INTEGER NOT NULL
            )
            """,
            "CREATE INDEX balance_transactions_account ON balance_transactions (account_id, seq)",
            "CREATE INDEX balance_transactions_available ON balance_transactions (account_id, currency, available_on)",
            "CREATE INDEX balance_transactions_source ON balance_transactions (source_id)",
            """
            CREATE TABLE balances (
                account_id TEXT NOT NULL, currency TEXT NOT NULL, shard INTEGER NOT NULL, amount BIGINT NOT NULL,
                PRIMARY KEY (account_id, currency, shard)
            )
            """,
            """
            CREATE TABLE events (
                seq \(serial), id TEXT NOT NULL UNIQUE, account_id TEXT NOT NULL, created BIGINT NOT NULL,
                type TEXT NOT NULL, object_id TEXT NOT NULL, api_version TEXT NOT NULL, livemode INTEGER NOT NULL,
                request_id TEXT, idempotency_key TEXT, pending_webhooks INTEGER NOT NULL, payload TEXT NOT NULL
            )
            """,
            "CREATE INDEX events_account ON events (account_id, seq)",
            "CREATE INDEX events_type ON events (account_id, type, seq)",
            "CREATE INDEX events_object ON events (object_id)",
            """
            CREATE TABLE idempotency_keys (
                account_id TEXT NOT NULL, idempotency_key TEXT NOT NULL, fingerprint TEXT NOT NULL,
                status_code INTEGER NOT NULL, response_body TEXT NOT NULL, created BIGINT NOT NULL,
                PRIMARY KEY (account_id, idempotency_key)
            )
            """,
            "CREATE INDEX idempotency_keys_created ON idempotency_keys (created)",
            """
            CREATE TABLE api_logs (
                log_seq \(serial), tx_lsn BIGINT NOT NULL, log_id TEXT NOT NULL, merchant_id TEXT,
                endpoint TEXT NOT NULL, method TEXT NOT NULL, status_code INTEGER NOT NULL,
                latency_ms DOUBLE PRECISION NOT NULL, timestamp TEXT NOT NULL, request_id TEXT NOT NULL
            )
            """,
            "CREATE INDEX api_logs_feed ON api_logs (tx_lsn, log_seq)",
            """
            CREATE TABLE deleted_objects (
                id TEXT PRIMARY KEY, account_id TEXT NOT NULL, object TEXT NOT NULL, deleted BIGINT NOT NULL
            )
            """,
        ]
        let captured: [(String, [String])] = [
            ("accounts", ["seq", "id", "created", "is_platform", "type", "country", "email", "default_currency",
                          "business_profile", "metadata", "livemode"]),
            ("customers", ["seq", "id", "account_id", "created", "email", "name", "description", "phone", "address",
                           "default_payment_method", "balance", "metadata", "deleted", "livemode"]),
            ("charges", ["seq", "id", "account_id", "created", "amount", "amount_captured", "amount_refunded",
                         "currency", "captured", "paid", "refunded", "disputed", "status", "customer_id",
                         "description", "receipt_email", "statement_descriptor", "payment_method_id", "card_brand",
                         "card_last4", "card_exp_month", "card_exp_year", "card_funding", "card_country",
                         "card_fingerprint", "failure_code", "failure_message", "decline_code", "outcome_type",
                         "outcome_network_status", "outcome_risk_level", "outcome_risk_score", "outcome_reason",
                         "outcome_seller_message", "balance_transaction_id", "funds_available_immediately",
                         "metadata", "livemode"]),
            ("refunds", ["seq", "id", "account_id", "created", "charge_id", "amount", "currency", "status", "reason",
                         "balance_transaction_id", "metadata", "livemode"]),
            ("balance_transactions", ["seq", "id", "account_id", "created", "amount", "currency", "fee", "net",
                                      "type", "reporting_category", "source_id", "available_on", "description",
                                      "livemode"]),
        ]
        for (table, columns) in captured {
            statements += ChangeCaptureDDL.triggers(table: table, key: "id", columns: columns, dialect: dialect)
        }
        return statements
    }
}
