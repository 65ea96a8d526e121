import RemitSQL

/// An intent remembers `payment_method_options[card][request_three_d_secure]` from its create or update, so a later
/// confirmation (from the browser, which does not repeat it) still asks for 3-D Secure.
enum Migration0025RememberedCardOptions {
    static let migration = Migration(id: 25, name: "remembered card options") { dialect in
        var statements: [String] = []
        for table in ["payment_intents", "setup_intents"] {
            statements.append("""
                ALTER TABLE \(table) ADD COLUMN request_three_d_secure TEXT NOT NULL DEFAULT 'automatic'
                    CHECK (request_three_d_secure IN ('automatic', 'any', 'challenge'))
                """)
        }
        if dialect == .sqlite {
            statements += ChangeCaptureDDL.recreatedSQLiteTriggers(
                table: "payment_intents",
                columns: Migration0015PaymentIntents.columns + ["next_action", "request_three_d_secure"])
            statements += ChangeCaptureDDL.recreatedSQLiteTriggers(
                table: "setup_intents", columns: Migration0017SetupIntents.columns + ["request_three_d_secure"])
        }
        return statements
    }
}
