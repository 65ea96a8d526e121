import Foundation
import Logging
import NIOCore
import PostgresNIO
import RemitSQL
import ServiceLifecycle

/// The production engine: a PostgreSQL connection pool shared by stateless `remit` nodes.
///
/// The pool (`PostgresClient`) is a `Service`: run it in the service group before using the database.
public final class PostgresDatabase: SQLDatabase, SQLSchemaScoped, Service {
    public let dialect = SQLDialect.postgres
    /// The schema the URL named (`?schema=`), every connection's `search_path`; nil for the default.
    public let schema: String?
    let client: PostgresClient
    let logger: Logger
    /// Bounded retries of transactions that lost a serialization race or a deadlock.
    static let conflictRetriesMax = 5

    public init(url: String, maximumConnections: Int = 20, logger: Logger) throws {
        var configuration = try PostgresURL.configuration(from: url)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.minimumConnections = 0
        schema = try PostgresURL.schema(from: url)
        self.logger = logger
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
    }

    public func run() async {
        await client.run()
    }

    public func createSchemaIfNeeded() async throws {
        guard let schema else { return }
        // The name was checked to be a plain identifier (PostgresURL.schema), so it can be spliced.
        // Under the migrations' lock: two nodes creating the schema at once would collide in the catalog.
        _ = try await write { connection in
            try await Migrator.takeMigrationLock(connection)
            try await connection.execute(SQL(stringLiteral: "CREATE SCHEMA IF NOT EXISTS \(schema)"))
        }
    }

    public func write<T: Sendable>(_ body: @Sendable @escaping (any SQLConnection) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await client.withTransaction(logger: logger) { connection in
                    try await body(PostgresSQLConnection(connection: connection, logger: logger))
                }
            } catch {
                let failure = Self.unwrap(error)
                if let database = failure as? DatabaseError, database.code == .conflict, attempt < Self.conflictRetriesMax {
                    continue
                }
                throw failure
            }
        }
    }

    /// The error that matters: the closure's own error (business errors pass through untouched),
    /// else the engine's, mapped to ``DatabaseError``.
    static func unwrap(_ error: any Error) -> any Error {
        if let transaction = error as? PostgresTransactionError {
            if let closureError = transaction.closureError { return unwrap(closureError) }
            if let commitError = transaction.commitError { return PostgresSQLConnection.map(commitError) }
            if let beginError = transaction.beginError { return PostgresSQLConnection.map(beginError) }
            return PostgresSQLConnection.map(error)
        }
        if error is PSQLError { return PostgresSQLConnection.map(error) }
        return error
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withConnection { connection in
                try await body(PostgresSQLConnection(connection: connection, logger: logger))
            }
        } catch {
            throw Self.unwrap(error)
        }
    }
}

struct PostgresSQLConnection: SQLConnection {
    let connection: PostgresConnection
    let logger: Logger
    var dialect: SQLDialect { .postgres }

    func query(_ sql: SQL) async throws(DatabaseError) -> [SQLRow] {
        do {
            var result: [SQLRow] = []
            var columns: SQLColumns?
            func append(_ row: PostgresRow) {
                if columns == nil { columns = SQLColumns(row.map(\.columnName)) }
                result.append(SQLRow(columns: columns!, values: row.map(Self.value(of:))))
            }
            if sql.isPrepared, let rows = try await PreparedStatements.query(sql, on: connection, logger: logger) {
                rows.forEach(append)
                return result
            }
            for try await row in try await connection.query(Self.postgresQuery(sql), logger: logger) { append(row) }
            return result
        } catch {
            throw Self.map(error)
        }
    }

    /// A statement marked ``SQL/prepared()`` run here is an `INSERT`, `UPDATE` or `DELETE` without `RETURNING`.
    @discardableResult
    func execute(_ sql: SQL) async throws(DatabaseError) -> Int {
        do {
            if sql.isPrepared, let changed = try await PreparedStatements.execute(sql, on: connection, logger: logger) {
                return changed
            }
            let result = try await resultFuture(Self.postgresQuery(sql)).get()
            return result.metadata.rows ?? 0
        } catch {
            throw Self.map(error)
        }
    }

    /// The future-based API is the one that reports the command tag (rows affected).
    private func resultFuture(_ query: PostgresQuery) -> EventLoopFuture<PostgresQueryResult> {
        connection.query(query, logger: logger)
    }

    static func postgresQuery(_ sql: SQL) -> PostgresQuery {
        PostgresQuery(unsafeSQL: sql.text(for: .postgres), binds: bindings(of: sql))
    }

    static func bindings(of sql: SQL) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: sql.binds.count)
        for value in sql.binds {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let number): bindings.append(number)
            case .real(let number): bindings.append(number)
            case .text(let text): bindings.append(text)
            case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
            }
        }
        return bindings
    }

    static func value(of cell: PostgresCell) -> SQLValue {
        guard cell.bytes != nil else { return .null }
        do {
            switch cell.dataType {
            case .int2, .int4, .int8, .oid: return .integer(try cell.decode(Int64.self))
            case .float4, .float8: return .real(try cell.decode(Double.self))
            case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
            case .bytea: return .blob(Array(buffer: try cell.decode(ByteBuffer.self)))
            case .numeric:
                // SUM() of BIGINT is NUMERIC on PostgreSQL; integral values come back as integers.
                let decimal = try cell.decode(Decimal.self)
                let text = "\(decimal)"
                if let integer = Int64(text) { return .integer(integer) }
                return .real(NSDecimalNumber(decimal: decimal).doubleValue)
            default: return .text(try cell.decode(String.self))
            }
        } catch {
            return .text(String(buffer: cell.bytes!))
        }
    }

    static func map(_ error: any Error) -> DatabaseError {
        if let error = error as? DatabaseError { return error }
        if let transaction = error as? PostgresTransactionError {
            if let closureError = transaction.closureError { return map(closureError) }
            if let commitError = transaction.commitError { return map(commitError) }
            if let beginError = transaction.beginError { return map(beginError) }
        }
        guard let error = error as? PSQLError else { return DatabaseError(.statement, "\(error)") }
        let message = error.serverInfo?[.message] ?? "\(error.code)"
        switch error.serverInfo?[.sqlState] {
        case "23505": return DatabaseError(.uniqueViolation, message)
        case "40001", "40P01": return DatabaseError(.conflict, message)
        case nil: return DatabaseError(.connection, "\(error.code): \(message)")
        default: return DatabaseError(.statement, message)
        }
    }
}

extension PostgresDatabase: SQLNotifications {
    /// Holds one pooled connection for as long as it listens.
    public func listen(channel: String, _ received: @escaping @Sendable () -> Void) async throws {
        try await client.withConnection { connection in
            try await connection.listen(on: channel) { notifications in
                for try await _ in notifications { received() }
            }
        }
    }
}
