import ArgumentParser
import RemitCommandSupport
import Foundation
import RemitApp
import RemitFraud
import RemitStore

struct FraudRetrain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrain",
        abstract: "Retrain on matured labels now, as the scheduler does (weekly incremental, monthly full).",
        discussion: """
            The candidate becomes the shadow, with its metrics on the matured validation window (the last fifth \
            by time) beside the champion's on the same rows; it is promoted only if it beats the champion on AUC \
            and PR-AUC. Otherwise an operator decides (remit fraud models promote).
            """)

    @OptionGroup var store: StoreOptions
    @Flag(help: "A full retrain with a small hyper-parameter search (default: incremental, 20 trees appended).") var full = false
    @Option(help: "How old a charge must be for its label to count, <n>ms|s|m|h.") var maturity = DurationArgument(argument: "1440h")!

    func run() async throws {
        let logger = makeLogger()
        let runtime = try RemitRuntime(configuration: try store.configuration(), logger: logger)
        var settings = FraudRetraining.Settings()
        settings.maturity = Int64(maturity.duration.components.seconds)
        let kind: FraudRetraining.Kind = full ? .full : .incremental
        let retraining = settings
        let report = try await runtime.withStore(logger: logger) {
            try await runtime.ledger.migrate()
            return try await FraudRetraining(database: runtime.store.database, settings: retraining)
                .run(kind, champion: try? DefaultFraudModel.shared.get())
        }
        print(report)
    }
}
