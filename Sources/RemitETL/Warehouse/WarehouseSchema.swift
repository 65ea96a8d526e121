import RemitSQL

/// The warehouse's star schema, in its own database (by default `<data-dir>/warehouse.sqlite`): dimensions
/// (type 2 for merchants, customers and subscriptions), facts keyed on the OLTP ids, daily aggregates, the rows
/// quarantined by the quality rules, and the run log.
public enum WarehouseSchema {
    public static let migrations: [Migration] = [
        Migration(id: 1, name: "star schema") { dialect in
            let money = dialect == .postgres ? "NUMERIC(18,2)" : "DECIMAL(18,2)"
            return [
                """
                CREATE TABLE etl_run (
                    run_id TEXT PRIMARY KEY, logical_date TEXT NOT NULL, from_lsn BIGINT NOT NULL, to_lsn BIGINT NOT NULL,
                    status TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, report TEXT, error TEXT
                )
                """,
                "CREATE INDEX etl_run_status ON etl_run (status, to_lsn)",
                """
                CREATE TABLE dim_date (
                    date_key INTEGER PRIMARY KEY, date TEXT NOT NULL, year INTEGER NOT NULL, month INTEGER NOT NULL,
                    day INTEGER NOT NULL, weekday INTEGER NOT NULL
                )
                """,
                """
                CREATE TABLE dim_merchant (
                    merchant_sk BIGINT PRIMARY KEY, merchant_id TEXT NOT NULL, type TEXT, country TEXT,
                    default_currency TEXT, email TEXT, valid_from BIGINT NOT NULL, valid_to BIGINT,
                    is_current INTEGER NOT NULL, is_deleted INTEGER NOT NULL, scd_id TEXT NOT NULL UNIQUE, row_hash TEXT NOT NULL
                )
                """,
                "CREATE UNIQUE INDEX dim_merchant_current ON dim_merchant (merchant_id) WHERE valid_to IS NULL",
                "CREATE INDEX dim_merchant_key ON dim_merchant (merchant_id, valid_from)",
                """
                CREATE TABLE dim_customer (
                    customer_sk BIGINT PRIMARY KEY, customer_id TEXT NOT NULL, merchant_id TEXT, email TEXT, name TEXT,
                    description TEXT, phone TEXT, valid_from BIGINT NOT NULL, valid_to BIGINT, is_current INTEGER NOT NULL,
                    is_deleted INTEGER NOT NULL, scd_id TEXT NOT NULL UNIQUE, row_hash TEXT NOT NULL
                )
                """,
                "CREATE UNIQUE INDEX dim_customer_current ON dim_customer (customer_id) WHERE valid_to IS NULL",
                "CREATE INDEX dim_customer_key ON dim_customer (customer_id, valid_from)",
                // The unknown members facts fall back to.
                "INSERT INTO dim_merchant VALUES (-1, 'unknown', NULL, NULL, NULL, NULL, 0, NULL, 1, 0, 'unknown', '')",
                "INSERT INTO dim_customer VALUES (-1, 'unknown', NULL, NULL, NULL, NULL, NULL, 0, NULL, 1, 0, 'unknown', '')",
                """
                CREATE TABLE fact_payment (
                    payment_id TEXT PRIMARY KEY, merchant_sk BIGINT NOT NULL, customer_sk BIGINT NOT NULL,
                    date_key INTEGER NOT NULL, created BIGINT NOT NULL, amount BIGINT NOT NULL, currency TEXT NOT NULL,
                    amount_usd \(money) NOT NULL, amount_usd_cents BIGINT NOT NULL, amount_refunded BIGINT NOT NULL,
                    status TEXT NOT NULL, captured INTEGER NOT NULL, disputed INTEGER NOT NULL, lsn BIGINT NOT NULL
                )
                """,
                "CREATE INDEX fact_payment_date ON fact_payment (date_key)",
                """
                CREATE TABLE fact_refund (
                    refund_id TEXT PRIMARY KEY, payment_id TEXT NOT NULL, merchant_sk BIGINT NOT NULL, date_key INTEGER NOT NULL,
                    created BIGINT NOT NULL, amount BIGINT NOT NULL, currency TEXT NOT NULL, amount_usd_cents BIGINT NOT NULL,
                    status TEXT NOT NULL, lsn BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE agg_merchant_daily (
                    merchant_id TEXT NOT NULL, date_key INTEGER NOT NULL, currency TEXT NOT NULL, payments BIGINT NOT NULL,
                    gross BIGINT NOT NULL, refunds BIGINT NOT NULL, net BIGINT NOT NULL, gross_usd_cents BIGINT NOT NULL,
                    PRIMARY KEY (merchant_id, date_key, currency)
                )
                """,
            ]
        },
        // One runner at a time across nodes: a lease on one row.
        Migration(id: 2, name: "run lock") { _ in
            [
                "CREATE TABLE etl_lock (id INTEGER PRIMARY KEY, holder TEXT, until_ms BIGINT NOT NULL)",
                "INSERT INTO etl_lock (id, holder, until_ms) VALUES (1, NULL, 0)",
            ]
        },
        // Subscriptions (SCD2), disputes and balance movements (fees), quarantined rows, and aggregates with
        // disputes, fees and their USD figures.
        Migration(id: 3, name: "subscriptions, disputes, fees, quarantine") { dialect in
            let money = dialect == .postgres ? "NUMERIC(18,2)" : "DECIMAL(18,2)"
            return [
                """
                CREATE TABLE dim_subscription (
                    subscription_sk BIGINT PRIMARY KEY, subscription_id TEXT NOT NULL, merchant_id TEXT, customer_id TEXT,
                    status TEXT, currency TEXT, items TEXT, default_payment_method TEXT, cancel_at_period_end TEXT,
                    current_period_start TEXT, current_period_end TEXT, valid_from BIGINT NOT NULL, valid_to BIGINT,
                    is_current INTEGER NOT NULL, is_deleted INTEGER NOT NULL, scd_id TEXT NOT NULL UNIQUE, row_hash TEXT NOT NULL
                )
                """,
                "CREATE UNIQUE INDEX dim_subscription_current ON dim_subscription (subscription_id) WHERE valid_to IS NULL",
                "CREATE INDEX dim_subscription_key ON dim_subscription (subscription_id, valid_from)",
                """
                INSERT INTO dim_subscription VALUES (-1, 'unknown', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                    0, NULL, 1, 0, 'unknown', '')
                """,
                """
                CREATE TABLE fact_dispute (
                    dispute_id TEXT PRIMARY KEY, payment_id TEXT NOT NULL, merchant_sk BIGINT NOT NULL, date_key INTEGER NOT NULL,
                    created BIGINT NOT NULL, amount BIGINT NOT NULL, currency TEXT NOT NULL, amount_usd \(money) NOT NULL,
                    amount_usd_cents BIGINT NOT NULL, reason TEXT NOT NULL, status TEXT NOT NULL, lsn BIGINT NOT NULL
                )
                """,
                "CREATE INDEX fact_dispute_date ON fact_dispute (date_key)",
                """
                CREATE TABLE fact_balance_transaction (
                    balance_transaction_id TEXT PRIMARY KEY, merchant_sk BIGINT NOT NULL, date_key INTEGER NOT NULL,
                    created BIGINT NOT NULL, type TEXT NOT NULL, reporting_category TEXT NOT NULL, amount BIGINT NOT NULL,
                    fee BIGINT NOT NULL, net BIGINT NOT NULL, currency TEXT NOT NULL, amount_usd_cents BIGINT NOT NULL,
                    fee_usd_cents BIGINT NOT NULL, net_usd_cents BIGINT NOT NULL, source_id TEXT NOT NULL, lsn BIGINT NOT NULL
                )
                """,
                "CREATE INDEX fact_balance_transaction_date ON fact_balance_transaction (date_key)",
                "CREATE INDEX fact_refund_date ON fact_refund (date_key)",
                "CREATE INDEX fact_refund_payment ON fact_refund (payment_id)",
                """
                CREATE TABLE etl_quarantine (
                    run_id TEXT NOT NULL, table_name TEXT NOT NULL, row_key TEXT NOT NULL, lsn BIGINT NOT NULL,
                    reason TEXT NOT NULL, row_data TEXT NOT NULL, PRIMARY KEY (run_id, table_name, row_key)
                )
                """,
                "ALTER TABLE agg_merchant_daily ADD COLUMN disputes BIGINT NOT NULL DEFAULT 0",
                "ALTER TABLE agg_merchant_daily ADD COLUMN fees BIGINT NOT NULL DEFAULT 0",
                "ALTER TABLE agg_merchant_daily ADD COLUMN refunds_usd_cents BIGINT NOT NULL DEFAULT 0",
                "ALTER TABLE agg_merchant_daily ADD COLUMN disputes_usd_cents BIGINT NOT NULL DEFAULT 0",
                "ALTER TABLE agg_merchant_daily ADD COLUMN fees_usd_cents BIGINT NOT NULL DEFAULT 0",
                "ALTER TABLE agg_merchant_daily ADD COLUMN net_usd_cents BIGINT NOT NULL DEFAULT 0",
                "ALTER TABLE etl_run ADD COLUMN quarantined BIGINT NOT NULL DEFAULT 0",
                // A run's facts by its LSN range: its reconciliation reads what it loaded, not the whole table.
                "CREATE INDEX fact_payment_lsn ON fact_payment (lsn)",
                "CREATE INDEX fact_refund_lsn ON fact_refund (lsn)",
                "CREATE INDEX fact_dispute_lsn ON fact_dispute (lsn)",
                "CREATE INDEX fact_balance_transaction_lsn ON fact_balance_transaction (lsn)",
            ]
        },
        // The fraud decisions of every payment (Stripe's outcome) and their daily counts by decision and risk score,
        // for the fraud dashboard.
        Migration(id: 4, name: "fraud outcomes") { _ in
            [
                "ALTER TABLE fact_payment ADD COLUMN outcome_type TEXT",
                "ALTER TABLE fact_payment ADD COLUMN risk_level TEXT",
                "ALTER TABLE fact_payment ADD COLUMN risk_score INTEGER",
                """
                CREATE TABLE agg_fraud_daily (
                    date_key INTEGER NOT NULL, merchant_id TEXT NOT NULL, outcome_type TEXT NOT NULL, risk_bucket INTEGER NOT NULL,
                    charges BIGINT NOT NULL, amount_usd_cents BIGINT NOT NULL,
                    PRIMARY KEY (date_key, merchant_id, outcome_type, risk_bucket)
                )
                """,
            ]
        },
        // Which payments came through a PaymentIntent (a charge is one attempt of it) and which were authenticated
        // with 3-D Secure: the integration mix and the challenge rate of the payments dashboard.
        Migration(id: 5, name: "payment intents") { _ in
            [
                "ALTER TABLE fact_payment ADD COLUMN payment_intent_id TEXT",
                "ALTER TABLE fact_payment ADD COLUMN three_d_secure TEXT",
                "CREATE INDEX fact_payment_intent ON fact_payment (payment_intent_id) WHERE payment_intent_id IS NOT NULL",
                "ALTER TABLE agg_merchant_daily ADD COLUMN intent_payments BIGINT NOT NULL DEFAULT 0",
                "ALTER TABLE agg_merchant_daily ADD COLUMN authenticated_payments BIGINT NOT NULL DEFAULT 0",
            ]
        },
    ]
}
