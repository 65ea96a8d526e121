import Foundation
import ArgumentParser
import Logging
import RemitApp
import RemitCore

/// The options every command that touches the store shares.
package struct StoreOptions: ParsableArguments {
    package init() {}

    @Option(name: .customLong("data-dir"), help: "Directory for the SQLite database and the admin key (created if missing).")
    package var dataDirectory = "./.remit"

    @Option(name: .customLong("database-url"),
            help: "postgres://user:password@host:port/database to use PostgreSQL (or REMIT_DATABASE_URL).")
    package var databaseURL: String?

    @Option(name: .customLong("sync"), help: "SQLite durability: normal (crash-safe) or full (power-loss-safe).")
    package var sync: String?

    package func configuration() throws -> RemitConfiguration {
        var configuration = RemitConfiguration()
        configuration.dataDirectory = dataDirectory
        configuration.databaseURL = databaseURL
        try configuration.applyEnvironment()
        if let sync {
            guard let value = SQLiteSynchronousOption(rawValue: sync) else {
                throw ValidationError("--sync must be normal or full")
            }
            configuration.sqliteSynchronous = value.value
        }
        return configuration
    }
}

extension StoreOptions {
    /// A benchmark's configuration: its own fresh SQLite directory (or `keepIn`) unless a database URL is given, and
    /// no scheduled work (fraud retraining, the nightly ETL) that would run in the middle of the measure.
    package func benchConfiguration(_ bench: String, keepIn: String?) throws -> RemitConfiguration {
        var configuration = try self.configuration()
        if configuration.databaseURL == nil {
            configuration.dataDirectory = keepIn ?? FileManager.default.temporaryDirectory
                .appendingPathComponent("remit-bench-\(bench)-\(UUID().uuidString.prefix(8))").path
        }
        configuration.fraudRetraining = false
        configuration.etlHour = nil
        return configuration
    }

    /// Removes a benchmark's temporary directory (not a kept one, not a PostgreSQL database).
    package func removeBenchData(_ configuration: RemitConfiguration, keepIn: String?) {
        if databaseURL == nil && keepIn == nil { try? FileManager.default.removeItem(atPath: configuration.dataDirectory) }
    }
}

/// Reads a duration written `<n>ms|s|m|h`.
package struct DurationArgument: ExpressibleByArgument {
    package let duration: Duration

    package init?(argument: String) {
        guard let duration = try? DurationText.parse(argument) else { return nil }
        self.duration = duration
    }
}

package func makeLogger(level: Logger.Level = .info) -> Logger {
    var logger = Logger(label: "remit")
    logger.logLevel = level
    return logger
}
