import ArgumentParser
import RemitCommandSupport
import RemitApp
import RemitStore

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply the store's migrations and exit.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let logger = makeLogger()
        let runtime = try RemitRuntime(configuration: try store.configuration(), logger: logger)
        try await runtime.withStore(logger: logger) {
            try await runtime.ledger.migrate()
            print("migrated: \(runtime.store.description)")
        }
    }
}
