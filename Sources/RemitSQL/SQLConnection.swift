/// A connection inside a transaction (or a read). Valid only within the closure that received it.
public protocol SQLConnection: Sendable {
    var dialect: SQLDialect { get }

    /// Runs a statement and returns its rows (for `SELECT` or `… RETURNING`).
    func query(_ sql: SQL) async throws(DatabaseError) -> [SQLRow]

    /// Runs a statement and returns the number of rows it changed.
    @discardableResult
    func execute(_ sql: SQL) async throws(DatabaseError) -> Int

    /// Runs a query and hands each row to `row` as it is read, without materializing the result: for scans of many
    /// rows on a hot path, where a row's values and strings would be allocated only to be thrown away.
    func scan(_ sql: SQL, _ row: (any SQLCursor) -> Void) async throws(DatabaseError)

    /// Bulk load: `INSERT INTO table (columns) VALUES (…) conflict` for `count` rows of plain values, `row(i)` making
    /// row `i` only when it is sent (a load never holds all its rows' values). The columns in `casts` are bound as
    /// `CAST(? AS type)`; `conflict` (e.g. `ON CONFLICT … DO UPDATE …`) binds nothing.
    ///
    /// By default, multi-row `VALUES` of about 7,000 values a statement (PostgreSQL: one round trip for hundreds of
    /// rows). SQLite, in process, runs one prepared single-row statement per row instead: no statement text to build,
    /// hash and parse for every few hundred rows.
    func insertRows(into table: String, columns: [String], casts: [Int: String], conflict: SQL, count: Int,
                    row: (Int) -> [SQLValue]) async throws(DatabaseError)
}

extension SQLConnection {
    public func scan(_ sql: SQL, _ row: (any SQLCursor) -> Void) async throws(DatabaseError) {
        for result in try await query(sql) { row(result) }
    }

    public func queryFirst(_ sql: SQL) async throws(DatabaseError) -> SQLRow? {
        try await query(sql).first
    }

    public func insertRows(into table: String, columns: [String], casts: [Int: String] = [:], conflict: SQL,
                           count: Int, row: (Int) -> [SQLValue]) async throws(DatabaseError) {
        let rowsPerStatement = max(1, Self.valuesPerInsert / max(1, columns.count))
        var start = 0
        while start < count {
            let chunk = (start..<min(start + rowsPerStatement, count)).map(row)
            try await execute("""
                INSERT INTO \(raw: table) (\(raw: columns.joined(separator: ", "))) VALUES \(sql: SQL.rows(values: chunk, casts: casts)) \(sql: conflict)
                """)
            start += rowsPerStatement
        }
    }

    /// Values per multi-row `INSERT` (about 500 rows of a fact table: under both engines' bind limits).
    static var valuesPerInsert: Int { 7_000 }

    /// The single-row statement ``insertRows(into:columns:casts:conflict:count:row:)`` runs per row.
    public static func singleRowInsert(into table: String, columns: [String], casts: [Int: String], conflict: SQL,
                                       dialect: SQLDialect) -> String {
        let placeholders = columns.indices.map { casts[$0].map { "CAST(? AS \($0))" } ?? "?" }
        precondition(conflict.binds.isEmpty, "a bulk insert's conflict clause binds nothing")
        return "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(placeholders.joined(separator: ", "))) "
            + conflict.text(for: dialect)
    }
}

/// A database engine: transactions, reads, migrations. Implemented for SQLite and PostgreSQL.
public protocol SQLDatabase: Sendable {
    var dialect: SQLDialect { get }

    /// Runs `body` in one read-write transaction: committed if it returns, rolled back if it throws.
    /// Transient conflicts (PostgreSQL serialization failures, deadlocks) are retried a bounded number of times.
    func write<T: Sendable>(_ body: @Sendable @escaping (any SQLConnection) async throws -> T) async throws -> T

    /// Runs `body` for reads: on SQLite inside one read transaction (one snapshot); on PostgreSQL on a pooled
    /// connection in autocommit, where each statement sees what was committed when it started. Checks that
    /// must be consistent across tables are therefore written as single statements.
    func read<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T
}

/// An engine that carries notifications between processes (PostgreSQL `LISTEN`/`NOTIFY`): several nodes on one
/// store wake each other up. SQLite has one process and no such thing.
public protocol SQLNotifications: Sendable {
    /// Calls `received` for each notification on `channel` until the task is cancelled (or the connection fails:
    /// then it throws, and the caller listens again).
    func listen(channel: String, _ received: @escaping @Sendable () -> Void) async throws
}

/// An engine whose tables live in a schema of their own (PostgreSQL `?schema=`): migrations create it first.
public protocol SQLSchemaScoped: Sendable {
    func createSchemaIfNeeded() async throws
}
