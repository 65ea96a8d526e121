import Foundation
import Logging
import RemitPostgres
import RemitSQL
import RemitSQLite
import ServiceLifecycle

/// Opens the configured engine: SQLite under the data directory, or PostgreSQL at the database URL.
public struct StoreConnection: Sendable {
    public let database: any SQLDatabase
    /// Services the engine needs running (the PostgreSQL pool); none for SQLite.
    public let services: [any Service]
    public let description: String

    public static func open(_ configuration: RemitConfiguration, logger: Logger) throws -> StoreConnection {
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        if let url = configuration.databaseURL {
            let database = try PostgresDatabase(url: url, maximumConnections: configuration.postgresConnectionsMax,
                                                logger: logger)
            return StoreConnection(database: database, services: [database], description: "PostgreSQL")
        }
        let path = (configuration.dataDirectory as NSString).appendingPathComponent("remit.sqlite")
        let database = try SQLiteDatabase(path: path, synchronous: configuration.sqliteSynchronous)
        return StoreConnection(database: database, services: [], description: "SQLite at \(path)")
    }
}

extension StoreConnection {
    /// The warehouse: `url` (`postgres://…`, a database of its own) or `<data-dir>/warehouse.sqlite`.
    public static func openWarehouse(_ configuration: RemitConfiguration, url: String?, logger: Logger) throws -> StoreConnection {
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        if let url, url.hasPrefix("sqlite:") {
            let path = String(url.dropFirst("sqlite:".count))
            let database = try SQLiteDatabase(path: path, synchronous: configuration.sqliteSynchronous)
            return StoreConnection(database: database, services: [], description: "SQLite warehouse at \(path)")
        }
        if let url {
            let database = try PostgresDatabase(url: url, maximumConnections: 4, logger: logger)
            return StoreConnection(database: database, services: [database], description: "PostgreSQL warehouse")
        }
        let path = (configuration.dataDirectory as NSString).appendingPathComponent("warehouse.sqlite")
        let database = try SQLiteDatabase(path: path, synchronous: configuration.sqliteSynchronous)
        return StoreConnection(database: database, services: [], description: "SQLite warehouse at \(path)")
    }
}
