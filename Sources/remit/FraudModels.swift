import ArgumentParser
import RemitCommandSupport
import Foundation
import RemitApp
import RemitFraud
import RemitStore

struct FraudModels: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "The fraud model registry: import, list, promote, shadow, rollback (running nodes follow within 10 s).",
        subcommands: [Import.self, List.self, Promote.self, Shadow.self, Rollback.self])

    /// Runs `body` with the registry of the store the options name (migrated first).
    static func withRegistry<T: Sendable>(_ store: StoreOptions, _ body: @Sendable @escaping (FraudModelRegistry) async throws -> T) async throws -> T {
        let logger = makeLogger()
        let runtime = try RemitRuntime(configuration: try store.configuration(), logger: logger)
        return try await runtime.withStore(logger: logger) {
            try await runtime.ledger.migrate()
            return try await body(FraudModelRegistry(database: runtime.store.database))
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a model file (XGBoost JSON over Remit's fraud features).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The model file (.json).") var file: String
        @Option(help: "Its version (immutable; default: the file name and its SHA-256 prefix).") var version: String?
        @Option(help: "A note kept with it.") var description: String?
        @Flag(help: "Make it the champion at once.") var promote = false
        @Flag(help: "Make it the shadow at once.") var shadow = false

        func run() async throws {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            let status: FraudModelRegistry.Status = promote ? .champion : shadow ? .shadow : .candidate
            let version = self.version, description = self.description
            let entry = try await FraudModels.withRegistry(store) { registry in
                try await registry.register(
                    version: version ?? name, json: data, description: description, status: status)
            }
            print("registered \(entry.version) (\(entry.status)), sha256 \(entry.sha256.prefix(16))…, schema \(entry.schemaHash)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered models.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let entries = try await FraudModels.withRegistry(store) { try await $0.list() }
            if entries.isEmpty { print("no models registered") }
            for entry in entries {
                let created = Date(timeIntervalSince1970: TimeInterval(entry.created))
                print("\(entry.version)\t\(entry.status)\t\(created)\tschema \(entry.schemaHash)\t\(entry.description ?? "")")
            }
        }
    }

    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a model the champion (the current one retires).")
        @OptionGroup var store: StoreOptions
        @Argument var version: String

        func run() async throws {
            let version = self.version
            try await FraudModels.withRegistry(store) { try await $0.setStatus(version, .champion) }
            print("\(version) is the champion")
        }
    }

    struct Shadow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Score live traffic with a model without acting on it.")
        @OptionGroup var store: StoreOptions
        @Argument var version: String

        func run() async throws {
            let version = self.version
            try await FraudModels.withRegistry(store) { try await $0.setStatus(version, .shadow) }
            print("\(version) is the shadow")
        }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Return to the previous champion.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let version = try await FraudModels.withRegistry(store) { try await $0.rollback() }
            print("\(version) is the champion again")
        }
    }
}
