import RemitSQL

/// Customer sources (research/payment-intents.md §6): a `card_` source is a saved card like a PaymentMethod, kept in
/// `payment_methods` with `object = 'card'` (Stripe lists legacy cards among a customer's PaymentMethods and takes
/// them as `payment_method=card_…`), and the customer's `default_source`. Values the `source` parameter used to
/// leave in `default_payment_method` (a token's id) move to `default_source`, where they belong.
enum Migration0021CustomerSources {
    static let migration = Migration(id: 21, name: "customer sources") { dialect in
        var statements = [
            """
            ALTER TABLE payment_methods ADD COLUMN object TEXT NOT NULL DEFAULT 'payment_method'
                CHECK (object IN ('payment_method', 'card'))
            """,
            "ALTER TABLE customers ADD COLUMN default_source TEXT",
            """
            UPDATE customers SET default_source = default_payment_method, default_payment_method = NULL
            WHERE default_payment_method IS NOT NULL AND substr(default_payment_method, 1, 3) <> 'pm_'
            """,
        ]
        if dialect == .sqlite {
            let customers = Migration0009CaptureClock.captured.first { $0.0 == "customers" }!.1
            statements += ChangeCaptureDDL.recreatedSQLiteTriggers(table: "customers", columns: customers + ["default_source"])
            statements += ChangeCaptureDDL.recreatedSQLiteTriggers(
                table: "payment_methods", columns: Migration0014PaymentMethods.columns + ["set_up_off_session", "object"])
        }
        return statements
    }
}
