import RemitSQL

/// What must never happen twice is made impossible by the database itself, so a future bug fails its transaction
/// loudly instead of moving money: one capture per charge, one balance transaction per refund, one withdrawal and at
/// most one reinstatement per dispute. (The API's guards — row locks and compare-and-set — keep these from ever
/// firing; a store on which an earlier build already moved money twice fails this migration, naming the source, and
/// `remit verify` lists the rest.)
enum Migration0012MoneyOnce {
    static let migration = Migration(id: 12, name: "money moves once per source") { _ in
        [
            """
            CREATE UNIQUE INDEX balance_transactions_capture_once ON balance_transactions (source_id)
            WHERE type = 'charge'
            """,
            """
            CREATE UNIQUE INDEX balance_transactions_refund_once ON balance_transactions (source_id)
            WHERE type = 'refund'
            """,
            """
            CREATE UNIQUE INDEX balance_transactions_dispute_withdrawal_once ON balance_transactions (source_id)
            WHERE reporting_category = 'dispute'
            """,
            """
            CREATE UNIQUE INDEX balance_transactions_dispute_reinstatement_once ON balance_transactions (source_id)
            WHERE reporting_category = 'dispute_reversal'
            """,
        ]
    }
}
