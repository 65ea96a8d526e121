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
/// shared by the process; past ``namesMax`` names, further texts run unnamed, as unmarked statements do.
enum PreparedStatements {
    /// More distinct marked texts than any build has: a bound on what each connection keeps, should a statement
    /// of varying shape be marked by mistake.
    static let namesMax = 512

    struct Key: Hashable, Sendable {
        let text: String
        let types: [PostgresDataType]
    }

    struct Current: Sendable {
        let name: String
        let key: Key
    }

    @TaskLocal static var current: Current?

    struct Registry {
        var names: [Key: String] = [:]
        /// Every name ever handed out, retired ones included: what a connection may hold.
        var issued = 0
    }

    private static let registry = Mutex(Registry())
    private static let reportedFull = Atomic<Bool>(false)

    /// The statement's registered name, or nil when the registry is full.
    static func current(for sql: SQL) -> Current? {
        let key = Key(text: sql.text(for: .postgres), types: sql.binds.map(type(of:)))
        let name: String? = registry.withLock { registry in
            if let name = registry.names[key] { return name }
            guard registry.issued < namesMax else { return nil }
            registry.issued += 1
            let name = "remit_\(registry.issued)"
            registry.names[key] = name
            return name
        }
        return name.map { Current(name: $0, key: key) }
    }

    /// PostgresNIO remembers a failed preparation on its connection for good, so a text whose preparation may
    /// have failed gets a new name: a statement sent in a transaction already aborted (`25P02`), a missing
    /// table or column or a syntax error (class `42`), a plan the server invalidated (`0A000`), a statement the
    /// server dropped (`26000`). Errors of execution (a unique violation, a conflict) keep the name.
    static func retireIfUnprepared(_ statement: Current, after error: any Error) {
        guard let state = (error as? PSQLError)?.serverInfo?[.sqlState],
            state == "25P02" || state.hasPrefix("42") || state == "0A000" || state == "26000"
        else { return }
        registry.withLock { registry in
            if registry.names[statement.key] == statement.name { registry.names[statement.key] = nil }
        }
    }

    /// The rows of a marked statement, or nil when it has to run unnamed.
    static func query(_ sql: SQL, on connection: PostgresConnection, logger: Logger) async throws -> [PostgresRow]? {
        guard let statement = current(for: sql) else {
            if !reportedFull.exchange(true, ordering: .relaxed) {
                logger.warning("more than \(namesMax) distinct prepared statement texts: further ones run unnamed",
                               metadata: ["statement": "\(sql.text(for: .postgres).prefix(200))"])
            }
            return nil
        }
        do {
            return try await $current.withValue(statement) {
                var rows: [PostgresRow] = []
                let bound = RowsStatement(bindings: PostgresSQLConnection.bindings(of: sql))
                for try await row in try await connection.execute(bound, logger: logger) {
                    rows.append(row)
                }
                return rows
            }
        } catch {
            retireIfUnprepared(statement, after: error)
            throw error
        }
    }

    /// The rows a marked `INSERT`, `UPDATE` or `DELETE` (without a `RETURNING` of its own) changed, or nil when it
    /// has to run unnamed. PostgresNIO reports no command tag for prepared statements, so the statement runs with
    /// `RETURNING 1` and its rows are counted: one per row changed.
    static func execute(_ sql: SQL, on connection: PostgresConnection, logger: Logger) async throws -> Int? {
        let counted = (sql + SQL(stringLiteral: "\nRETURNING 1")).prepared()
        return try await query(counted, on: connection, logger: logger)?.count
    }

    /// The type each value is bound as (as `PostgresSQLConnection.bindings(of:)` binds it); NULL leaves the type to
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
    static var sql: String { PreparedStatements.current!.key.text }
    static var bindingDataTypes: [PostgresDataType] { PreparedStatements.current!.key.types }
    let bindings: PostgresBindings
    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}
