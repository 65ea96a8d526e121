import RemitSQL

/// Products, prices and subscriptions; subscriptions are change-captured.
enum Migration0003Billing {
    static let migration = Migration(id: 3, name: "billing") { dialect in
        let serial = ChangeCaptureDDL.serialPrimaryKey(dialect)
        return [
            """
            CREATE TABLE products (
                seq \(serial), id TEXT NOT NULL UNIQUE, account_id TEXT NOT NULL, created BIGINT NOT NULL,
                updated BIGINT NOT NULL, name TEXT NOT NULL, description TEXT, active INTEGER NOT NULL,
                default_price_id TEXT, metadata TEXT NOT NULL, livemode INTEGER NOT NULL
            )
            """,
            "CREATE INDEX products_account ON products (account_id, seq)",
            """
            CREATE TABLE prices (
                seq \(serial), id TEXT NOT NULL UNIQUE, account_id TEXT NOT NULL, created BIGINT NOT NULL,
                product_id TEXT NOT NULL, currency TEXT NOT NULL, unit_amount BIGINT NOT NULL,
                recurring_interval TEXT, recurring_interval_count INTEGER NOT NULL, active INTEGER NOT NULL,
                nickname TEXT, metadata TEXT NOT NULL, livemode INTEGER NOT NULL
            )
            """,
            "CREATE INDEX prices_account ON prices (account_id, seq)",
            "CREATE INDEX prices_product ON prices (account_id, product_id, seq)",
            """
            CREATE TABLE subscriptions (
                seq \(serial), id TEXT NOT NULL UNIQUE, account_id TEXT NOT NULL, created BIGINT NOT NULL,
                customer_id TEXT NOT NULL, status TEXT NOT NULL, items TEXT NOT NULL, currency TEXT NOT NULL,
                default_payment_method TEXT, current_period_start BIGINT NOT NULL, current_period_end BIGINT NOT NULL,
                cancel_at_period_end INTEGER NOT NULL, canceled_at BIGINT, ended_at BIGINT, latest_charge_id TEXT,
                metadata TEXT NOT NULL, livemode INTEGER NOT NULL
            )
            """,
            "CREATE INDEX subscriptions_account ON subscriptions (account_id, seq)",
            "CREATE INDEX subscriptions_customer ON subscriptions (account_id, customer_id, seq)",
        ] + ChangeCaptureDDL.triggers(
            table: "subscriptions", key: "id",
            columns: ["seq", "id", "account_id", "created", "customer_id", "status", "items", "currency",
                      "default_payment_method", "current_period_start", "current_period_end", "cancel_at_period_end",
                      "canceled_at", "ended_at", "latest_charge_id", "metadata", "livemode"],
            dialect: dialect)
    }
}
