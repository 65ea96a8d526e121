import Foundation
import PostgresNIO
import RemitSQL

/// Reads `postgres://user:password@host:port/database?sslmode=disable|prefer|require&schema=name`. With `schema`,
/// the connections' `search_path` is that schema (created on first migration): a separate schema of one database,
/// as the warehouse uses in production.
enum PostgresURL {
    /// The schema a URL names, if any; a name that is not a plain lowercase identifier is refused.
    static func schema(from text: String) throws -> String? {
        guard let value = URLComponents(string: text)?.queryItems?.first(where: { $0.name == "schema" })?.value else {
            return nil
        }
        guard let first = value.unicodeScalars.first, value.count <= 63,
              ("a"..."z").contains(first) || first == "_",
              value.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" })
        else { throw DatabaseError(.connection, "schema must be a lowercase identifier, not '\(value)'") }
        return value
    }

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
        var configuration: PostgresClient.Configuration
        if let host, host.hasPrefix("/") || host.isEmpty {
            configuration = PostgresClient.Configuration(
                unixSocketPath: host, username: user, password: password, database: database.isEmpty ? nil : database)
        } else {
            configuration = PostgresClient.Configuration(
                host: host ?? "127.0.0.1", port: components.port ?? 5432, username: user, password: password,
                database: database.isEmpty ? nil : database, tls: tls)
        }
        if let schema = try schema(from: text) {
            configuration.options.additionalStartupParameters.append(("search_path", schema))
        }
        return configuration
    }
}
