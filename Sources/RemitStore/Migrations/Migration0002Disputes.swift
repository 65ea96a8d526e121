import RemitSQL

/// Disputes, with change capture.
enum Migration0002Disputes {
    static let migration = Migration(id: 2, name: "disputes") { dialect in
        let serial = ChangeCaptureDDL.serialPrimaryKey(dialect)
        return [
            """
            CREATE TABLE disputes (
                seq \(serial), id TEXT NOT NULL UNIQUE, account_id TEXT NOT NULL, created BIGINT NOT NULL,
                charge_id TEXT NOT NULL, amount BIGINT NOT NULL, currency TEXT NOT NULL, reason TEXT NOT NULL,
                status TEXT NOT NULL, evidence TEXT NOT NULL, submission_count INTEGER NOT NULL,
                due_by BIGINT NOT NULL, metadata TEXT NOT NULL, livemode INTEGER NOT NULL
            )
            """,
            "CREATE INDEX disputes_account ON disputes (account_id, seq)",
            "CREATE INDEX disputes_charge ON disputes (account_id, charge_id, seq)",
        ] + ChangeCaptureDDL.triggers(
            table: "disputes", key: "id",
            columns: ["seq", "id", "account_id", "created", "charge_id", "amount", "currency", "reason", "status",
                      "evidence", "submission_count", "due_by", "metadata", "livemode"],
            dialect: dialect)
    }
}
