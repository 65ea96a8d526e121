import Foundation
import Logging
import PostgresNIO

/// Maintenance statements outside any pool (test databases, benchmarks).
public enum PostgresAdmin {
    /// The advisory lock that makes CREATE DATABASE take turns (an arbitrary key, "remitcdb" in ASCII).
    static let createDatabaseLock: Int64 = 0x72656D6974636462

    /// Creates a database on the server of `url` (connecting to the database `url` names).
    /// Returns the URL of the new database.
    public static func createDatabase(named name: String, serverURL url: String, logger: Logger) async throws -> String {
        precondition(name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "database names are plain identifiers")
        let configuration = try PostgresURL.configuration(from: url)
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: configuration.host ?? "127.0.0.1", port: configuration.port ?? 5432,
                username: configuration.username, password: configuration.password,
                database: configuration.database, tls: .disable),
            id: 1, logger: logger)
        // Two CREATE DATABASE at once may fail with "source database template1 is being accessed by other users"
        // (each copies template1), and a parallel test suite creates dozens at once: they take turns, by a
        // session-level advisory lock on the server, across processes. A failure is still tried again a few times.
        try await connection.query("SELECT pg_advisory_lock(\(Self.createDatabaseLock))", logger: logger)
        var attempt = 0
        while true {
            attempt += 1
            do {
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
                break
            } catch {
                guard attempt < 10 else {
                    try? await connection.close()
                    throw error
                }
                try await Task.sleep(for: .milliseconds(Int64.random(in: 50...300)))
            }
        }
        try await connection.close()
        guard var components = URLComponents(string: url) else { return url }
        components.path = "/" + name
        return components.string ?? url
    }
}
