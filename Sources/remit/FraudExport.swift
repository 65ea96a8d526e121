import ArgumentParser
import RemitCommandSupport
import Foundation
import RemitApp
import RemitCore
import RemitFraud
import RemitStore

struct FraudExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write matured, labelled fraud vectors as a training CSV (input for remit fraud train).",
        discussion: """
            Each row is the vector stored when the charge was decided, with label 1 when a fraudulent dispute \
            was filed. Charges younger than --maturity are left out: their disputes may not have arrived. \
            Blocked charges never reach the cardholder's bank, so they carry no dispute label.
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: "First day included (YYYY-MM-DD, UTC).") var since: String
    @Option(help: "First day excluded (YYYY-MM-DD, UTC; default: today).") var until: String?
    @Option(help: "How old a charge must be for its label to count, <n>ms|s|m|h.") var maturity = DurationArgument(argument: "1440h")!
    @Option(help: "Where to write the CSV.") var output: String

    func run() async throws {
        let start = try Self.day(since, "--since")
        let now = Int64(Date().timeIntervalSince1970)
        let end = try until.map { try Self.day($0, "--until") } ?? (now / 86_400 + 1) * 86_400
        guard start < end else { throw ValidationError("--since must be before --until") }
        let maturitySeconds = Int64(maturity.duration.components.seconds)
        let logger = makeLogger()
        let runtime = try RemitRuntime(configuration: try store.configuration(), logger: logger)
        let output = URL(fileURLWithPath: self.output)
        let summary = try await runtime.withStore(logger: logger) {
            try await runtime.ledger.migrate()
            return try await FraudTrainingExport(database: runtime.store.database)
                .export(since: start, until: end, maturity: maturitySeconds, now: now, to: output)
        }
        print("wrote \(summary.rows) rows (\(summary.positives) labelled fraud) to \(self.output); "
            + "\(summary.immature) younger rows left out until their labels mature")
    }

    static func day(_ text: String, _ name: String) throws -> Int64 {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else {
            throw ValidationError("\(name) must be YYYY-MM-DD")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) else {
            throw ValidationError("\(name) is not a date")
        }
        return Int64(date.timeIntervalSince1970)
    }
}
