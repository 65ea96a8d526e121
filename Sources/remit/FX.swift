import ArgumentParser
import RemitCommandSupport
import Foundation
import Logging
import RemitApp
import RemitETL
import RemitStore

struct FX: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fx", abstract: "Currency reference rates for the ETL's USD amounts.", subcommands: [Load.self])

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load the ECB's euro reference rates (eurofxref.csv or eurofxref-hist.csv) into the store.",
            discussion: """
                --shipped loads the rates Remit ships: the ECB's published history from \(ShippedRates.firstDay) to \
                \(ShippedRates.lastDay), for demos and tests.
                """)

        @OptionGroup var store: StoreOptions
        @Argument(help: "The CSV file.") var file: String?
        @Flag(help: "Load the rates shipped with Remit instead of a file.") var shipped = false

        func validate() throws {
            guard (file == nil) != !shipped else { throw ValidationError("give a CSV file, or --shipped") }
        }

        func run() async throws {
            let text = shipped ? try ShippedRates.text() : try String(contentsOfFile: file ?? "", encoding: .utf8)
            let rates = try ECBRatesFile.parse(text)
            guard !rates.isEmpty else { throw ValidationError("\(file ?? "the shipped file") holds no rates") }
            let logger = makeLogger(level: .warning)
            let runtime = try RemitRuntime(configuration: try store.configuration(), logger: logger)
            let rows = rates.map { (day: $0.date, currency: $0.currency, perEuro: $0.perEuro.description) }
            let loaded = try await runtime.withStore(logger: logger) {
                try await runtime.ledger.migrate()
                return try await FXRateStore(database: runtime.store.database).load(rows)
            }
            let days = Set(rates.map(\.date)).sorted()
            print("loaded \(loaded) rates for \(Set(rates.map(\.currency)).count) currencies, "
                  + "\(days.first ?? "") to \(days.last ?? "") (\(days.count) days)")
        }
    }
}
