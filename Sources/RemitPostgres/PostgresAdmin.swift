import Foundation
import Logging
import PostgresNIO

/// Maintenance statements outside any pool (test databases, benchmarks).
public enum PostgresAdmin {
    /// The advisory lock that makes CREATE DATABASE take turns (an arbitrary key, "remitcdb" in ASCII).
    static let createDatabaseLock: Int64 = 0x72656D6974636462

    /// How many times a connection or a CREATE DATABASE is tried before its error is thrown.
    static let attemptsMax = 10

    /// Creates a database on the server of `url` (connecting to the database `url` names).
    /// Returns the URL of the new database.
    public static func createDatabase(named name: String, serverURL url: String, logger: Logger) async throws -> String {
        precondition(name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "database names are plain identifiers")
        let configuration = try PostgresURL.configuration(from: url)
        let connection = try await connectRetrying(
            .init(host: configuration.host ?? "127.0.0.1", port: configuration.port ?? 5432,
                  username: configuration.username, password: configuration.password,
                  database: configuration.database, tls: .disable),
            logger: logger)
        // Two CREATE DATABASE at once may fail with "source database template1 is being accessed by other users"
        // (each copies template1), and a parallel test suite creates dozens at once: they take turns, by a
        // session-level advisory lock on the server, across processes. A failure is still tried again a few times.
        do {
            try await connection.query("SELECT pg_advisory_lock(\(Self.createDatabaseLock))", logger: logger)
            var attempt = 0
            while true {
                attempt += 1
                do {
                    try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
                    break
                } catch {
                    guard attempt < Self.attemptsMax else { throw error }
                    try await Task.sleep(for: .milliseconds(Int64.random(in: 50...300)))
                }
            }
        } catch {
            try? await connection.close()
            throw PostgresSQLConnection.map(error)
        }
        try await connection.close()
        guard var components = URLComponents(string: url) else { return url }
        components.path = "/" + name
        return components.string ?? url
    }

    /// A parallel test suite can fill the server's `max_connections` for a moment ("sorry, too many clients
    /// already"): the maintenance connection waits its turn like the pools' connections do, instead of failing.
    static func connectRetrying(_ configuration: PostgresConnection.Configuration, logger: Logger) async throws
        -> PostgresConnection
    {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            } catch {
                guard attempt < Self.attemptsMax else { throw PostgresSQLConnection.map(error) }
                try await Task.sleep(for: .milliseconds(Int64(attempt) * Int64.random(in: 100...300)))
            }
        }
    }
}
