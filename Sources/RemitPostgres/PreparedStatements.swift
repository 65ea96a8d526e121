import Logging
import PostgresNIO
import RemitSQL
import Synchronization

/// Runs statements marked ``SQL/prepared()`` as named prepared statements: each connection parses and plans a text
/// once, then only binds and executes it.
///
/// PostgresNIO keeps a connection's prepared statements by the name and text of a ``PostgresPreparedStatement``
/// type, which are static. Remit's texts are values, so the statement being run is handed to those statics in a
/// task-local for the duration of the call (PostgresNIO reads them on the calling task, before and after its one
/// suspension). Each distinct text and parameter-type list gets a name of its own, `remit_<n>`, from a registry
/// shared by the process; past ``namesMax`` distinct texts, further ones run unnamed, as unmarked statements do.
enum PreparedStatements {
    /// More distinct marked texts than any build has: a bound on what each connection keeps, should a statement
    /// of varying shape be marked by mistake.
    static let namesMax = 512

    struct Key: Hashable {
        let text: String
        let types: [PostgresDataType]
    }

    struct Current: Sendable {
        let name: String
        let text: String
        let types: [PostgresDataType]
    }

    @TaskLocal static var current: Current?

    private static let names = Mutex<[Key: String]>([:])

    /// The statement's registered name, or nil when the registry is full.
    static func current(for sql: SQL) -> Current? {
        let text = sql.text(for: .postgres)
        let types = sql.binds.map(type(of:))
        let key = Key(text: text, types: types)
        let name: String? = names.withLock { names in
            if let name = names[key] { return name }
            guard names.count < namesMax else { return nil }
            let name = "remit_\(names.count + 1)"
            names[key] = name
            return name
        }
        return name.map { Current(name: $0, text: text, types: types) }
    }

    /// The rows of a marked statement, or nil when it has to run unnamed.
    static func query(_ sql: SQL, bindings: PostgresBindings, on connection: PostgresConnection, logger: Logger)
        async throws -> [PostgresRow]?
    {
        guard let statement = current(for: sql) else { return nil }
        return try await $current.withValue(statement) {
            var rows: [PostgresRow] = []
            for try await row in try await connection.execute(RowsStatement(bindings: bindings), logger: logger) {
                rows.append(row)
            }
            return rows
        }
    }

    /// The rows a marked `INSERT`, `UPDATE` or `DELETE` (without a `RETURNING` of its own) changed, or nil when it
    /// has to run unnamed. PostgresNIO reports no command tag for prepared statements, so the statement runs with
    /// `RETURNING 1` and its rows are counted: one per row changed.
    static func execute(_ sql: SQL, on connection: PostgresConnection, logger: Logger) async throws -> Int? {
        let counted = (sql + SQL(stringLiteral: "\nRETURNING 1")).prepared()
        return try await query(counted, bindings: PostgresSQLConnection.postgresQuery(counted).binds, on: connection,
                               logger: logger)?.count
    }

    /// The type each value is bound as (as `PostgresSQLConnection.postgresQuery` binds it); NULL leaves the type to
    /// the server, so a text whose values are sometimes NULL has a prepared statement for each pattern.
    static func type(of value: SQLValue) -> PostgresDataType {
        switch value {
        case .null: .null
        case .integer: .int8
        case .real: .float8
        case .text: .text
        case .blob: .bytea
        }
    }
}

/// A marked statement read for its rows.
private struct RowsStatement: PostgresPreparedStatement {
    typealias Row = PostgresRow
    static var name: String { PreparedStatements.current!.name }
    static var sql: String { PreparedStatements.current!.text }
    static var bindingDataTypes: [PostgresDataType] { PreparedStatements.current!.types }
    let bindings: PostgresBindings
    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}
