import RemitApp
import RemitSQL
import RemitTesting
import Testing

/// Statements marked `SQL.prepared()`: on PostgreSQL named prepared statements, planned once per connection. They
/// must give the same answers as unmarked ones, across the executions where PostgreSQL switches to a generic plan.
struct PreparedStatementTests {
    @Test(arguments: TestEngine.available)
    func preparedStatementsAnswerAsUnmarkedOnes(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { _ in
            let database = app.runtime.store.database
            _ = try await database.write { connection in
                try await connection.execute("CREATE TABLE prepared_probe (k TEXT NOT NULL, n INTEGER, v BIGINT)")
            }
            // Ten runs of each text: PostgreSQL plans the first five for their values, then may go generic.
            for round in 0..<10 {
                try await database.write { connection in
                    // One text bound with NULL and with a value: each pattern of types is a statement of its own.
                    let n: Int64? = round.isMultiple(of: 2) ? nil : Int64(round)
                    let inserted = try await connection.execute(.prepared(
                        "INSERT INTO prepared_probe (k, n, v) VALUES (\("k\(round % 3)"), \(n), \(Int64(round)))"))
                    #expect(inserted == 1)
                    let changed = try await connection.execute(.prepared(
                        "UPDATE prepared_probe SET v = v + 100 WHERE k = \("k\(round % 3)")"))
                    #expect(changed == round / 3 + 1, "rows changed, counted, round \(round)")
                    let none = try await connection.execute(.prepared("DELETE FROM prepared_probe WHERE k = \("absent")"))
                    #expect(none == 0)
                }
                let rows = try await database.read { connection in
                    try await connection.query(.prepared(
                        "SELECT k, n, v FROM prepared_probe WHERE k = \("k0") ORDER BY v DESC"))
                }
                #expect(rows.count == round / 3 + 1)
                #expect(rows.first?.string("k") == "k0")
            }
            let nulls = try await database.read { connection in
                try await connection.queryFirst("SELECT COUNT(*) AS c FROM prepared_probe WHERE n IS NULL")?.int("c")
            }
            #expect(nulls == 5)
        }
    }

    @Test(arguments: TestEngine.available)
    func queuedPreparedInsertsTravelAsOnePreparedStatement(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { _ in
            let database = app.runtime.store.database
            _ = try await database.write { connection in
                for table in 0..<4 {
                    try await connection.execute("CREATE TABLE prepared_batch\(raw: String(table)) (k TEXT PRIMARY KEY, v BIGINT NOT NULL)")
                }
            }
            for round in 0..<7 {
                let prepared = try await database.write { base in
                    let connection = BatchingConnection(base)
                    for part in 0..<3 {
                        try await connection.execute(.prepared(
                            "INSERT INTO prepared_batch\(raw: String(part)) (k, v) VALUES (\("r\(round)"), \(Int64(part)))"))
                    }
                    try await connection.execute(.prepared(
                        "INSERT INTO prepared_batch3 (k, v) VALUES (\("r\(round)"), 3) ON CONFLICT (k) DO NOTHING"))
                    try await connection.flush()
                    guard base.dialect == .postgres else { return Int64(0) }
                    // The connection that ran the batch keeps the combined text prepared.
                    return try await base.queryFirst("""
                        SELECT COUNT(*) AS c FROM pg_prepared_statements
                        WHERE name LIKE 'remit\\_%' AND statement LIKE 'WITH w0 AS (INSERT INTO prepared_batch0%'
                        """)?.int("c") ?? 0
                }
                if engine == .postgres { #expect(prepared == 1) }
            }
            let count = try await database.read { connection in
                try await connection.queryFirst("""
                    SELECT COUNT(*) AS c, SUM(v) AS s FROM (SELECT v FROM prepared_batch0 UNION ALL
                        SELECT v FROM prepared_batch1 UNION ALL SELECT v FROM prepared_batch2 UNION ALL
                        SELECT v FROM prepared_batch3) AS every
                    """)
            }
            #expect(count?.int("c") == 28)
            #expect(count?.int("s") == 42, "0 + 1 + 2 + 3 in each of 7 rounds")
        }
    }

    /// Rows of one table written in one transaction take their identity in the order they were written (the events
    /// of one request list in the order they were emitted), however the inserts were queued.
    @Test(arguments: TestEngine.available)
    func insertsIntoOneTableKeepTheirOrder(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { _ in
            let database = app.runtime.store.database
            let serial = engine == .postgres ? "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT"
            _ = try await database.write { connection in
                try await connection.execute("CREATE TABLE ordered_rows (seq \(raw: serial), k TEXT NOT NULL)")
                try await connection.execute("CREATE TABLE other_rows (k TEXT NOT NULL)")
            }
            _ = try await database.write { base in
                let connection = BatchingConnection(base)
                for index in 0..<6 {
                    try await connection.execute(.prepared("INSERT INTO ordered_rows (k) VALUES (\("k\(index)"))"))
                    try await connection.execute(.prepared("INSERT INTO other_rows (k) VALUES (\("k\(index)"))"))
                }
                try await connection.flush()
            }
            let keys = try await database.read { connection in
                try await connection.query("SELECT k FROM ordered_rows ORDER BY seq").map { $0.string("k") }
            }
            #expect(keys == (0..<6).map { "k\($0)" })
        }
    }

    /// A text first prepared inside a transaction that had already failed cannot be prepared there; the connection
    /// must prepare it again once the transaction is over, not keep failing it.
    @Test(arguments: TestEngine.available.filter { $0 == .postgres })
    func aTextWhosePreparationFailedIsPreparedAgain(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { _ in
            let database = app.runtime.store.database
            let probe: SQL = .prepared("SELECT \(Int64(41)) + 1 AS answer, 'aborted-probe' AS tag")
            let answers = try await database.read { connection in
                try await connection.execute("BEGIN")
                await #expect(throws: DatabaseError.self) { try await connection.execute("SELECT 1 / 0") }
                await #expect(throws: DatabaseError.self) { try await connection.query(probe) }
                try await connection.execute("ROLLBACK")
                return try await connection.query(probe).map { $0.int("answer") }
            }
            #expect(answers == [42])
        }
    }
}
