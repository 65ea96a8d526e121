import ArgumentParser
import RemitCommandSupport
import RemitApp
import RemitStore

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the ledger's invariants; exit non-zero on any mismatch.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let logger = makeLogger()
        let runtime = try RemitRuntime(configuration: try store.configuration(), logger: logger)
        let report = try await runtime.withStore(logger: logger) {
            try await runtime.ledger.migrate()
            return try await LedgerVerifier(database: runtime.store.database).verify()
        }
        print("accounts: \(report.accountsChecked), balances: \(report.balancesChecked), charges: \(report.chargesChecked)")
        for problem in report.problems { print("MISMATCH: \(problem)") }
        if report.isConsistent {
            print("ledger consistent")
        } else {
            print("ledger INCONSISTENT: \(report.problems.count) problem(s)")
            throw ExitCode(2)
        }
    }
}
