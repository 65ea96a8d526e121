import RemitSQL

/// The warehouse's star schema, in its own database (by default `<data-dir>/warehouse.sqlite`): dimensions
/// (type 2 for customers and merchants), facts keyed on the OLTP ids, daily aggregates, and the run log.
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
    ]
}
