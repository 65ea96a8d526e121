import RemitSQL

/// PostgreSQL: keep rendered JSON (event payloads, saved responses, change images, usually 1–4 KB)
/// inline in the row instead of compressing and moving it to a TOAST table on every insert.
/// The profile of the charge benchmark showed `pglz_compress` on the insert path. SQLite has no TOAST.
enum Migration0004InlinePayloads {
    static let migration = Migration(id: 4, name: "inline payloads") { dialect in
        guard dialect == .postgres else { return [] }
        var statements: [String] = []
        for (table, column) in [("events", "payload"), ("idempotency_keys", "response_body"), ("change_log", "row_data")] {
            statements.append("ALTER TABLE \(table) ALTER COLUMN \(column) SET STORAGE MAIN")
            statements.append("ALTER TABLE \(table) SET (toast_tuple_target = 8160)")
        }
        return statements
    }
}
