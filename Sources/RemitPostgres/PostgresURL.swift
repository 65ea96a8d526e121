import Foundation
import PostgresNIO
import RemitSQL

/// Reads `postgres://user:password@host:port/database?sslmode=disable|prefer|require`.
enum PostgresURL {
    static func configuration(from text: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: text),
              components.scheme == "postgres" || components.scheme == "postgresql"
        else {
            throw DatabaseError(.connection, "database URL must look like postgres://user:password@host:port/database")
        }
        let user = components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? "postgres"
        let password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        var database = components.path
        if database.hasPrefix("/") { database.removeFirst() }
        let sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: throw DatabaseError(.connection, "unknown sslmode '\(sslMode)'")
        }
        let host = components.host.flatMap { $0.isEmpty ? nil : $0 }
        if let host, host.hasPrefix("/") || host.isEmpty {
            return PostgresClient.Configuration(
                unixSocketPath: host, username: user, password: password, database: database.isEmpty ? nil : database)
        }
        return PostgresClient.Configuration(
            host: host ?? "127.0.0.1", port: components.port ?? 5432, username: user, password: password,
            database: database.isEmpty ? nil : database, tls: tls)
    }
}
