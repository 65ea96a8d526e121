import ArgumentParser
import Foundation
import RemitCommandSupport
import RemitFraud

package struct Simulate: AsyncParsableCommand {
    package init() {}

    package static let configuration = CommandConfiguration(
        abstract: "Synthetic card traffic with fraud (account takeover, stolen cards, card testing, friendly fraud).",
        discussion: """
            Without --offline it drives a live server (--url, with --key or --admin-key): customers are created as \
            they first appear, and each charge is sent with a raw card number per card, the customer, and \
            radar_options (device, email, billing country). The server keeps its own clock, so the simulated time \
            is compressed by --speedup (default: one simulated hour per second); a summary of outcomes per \
            scenario follows.

            --offline runs the traffic through the same feature code as the charge path, with a simulated clock, \
            and writes a labelled training set: the 13 fraud features and `label` (1 when a fraud dispute was \
            filed by the end of the simulation). The first 30 days (no history yet) and the last --maturity days \
            (labels not in yet) are left out. Train the default model with: remit fraud train --input FILE …
            """)

    @Flag(help: "Write a labelled training set instead of driving a server.") var offline = false
    @Option(help: "Where to write the CSV (--offline).") var output: String?
    @Option(help: "The server to drive.") var url = "http://127.0.0.1:4242"
    @Option(help: "A merchant's secret key.") var key: String?
    @Option(name: .customLong("admin-key"), help: "The platform key, to create a merchant for the run.") var adminKey: String?
    @Option(help: "Simulated seconds per real second (live mode).") var speedup = 3_600.0
    @Option(help: "Stop after this many charges (live mode).") var limit: Int?
    @Option var customers = 40_000
    @Option var merchants = 500
    @Option var days = 150
    @Option(help: "Days at the end whose labels are not mature yet (left out).") var maturity = 45
    @Option var seed: UInt64 = 1
    @Option(name: .customLong("truth-output"), help: "Also write scenario and ground truth per row (for analysis).")
    var truthOutput: String?

    package func run() async throws {
        var settings = TrafficGenerator.Settings()
        settings.customers = customers
        settings.merchants = merchants
        settings.days = days
        settings.seed = seed
        guard offline else {
            try await LiveSimulation(
                url: url, key: key, adminKey: adminKey, speedup: speedup, limit: limit, settings: settings).run()
            return
        }
        guard let output else { throw ValidationError("--offline needs --output") }
        guard days > 30 + maturity else { throw ValidationError("--days must exceed 30 + --maturity") }
        let clock = ContinuousClock(), start = clock.now
        let charges = TrafficGenerator(settings: settings).generate()
        print("generated \(charges.count) charge attempts in \(secondsText(clock.now - start))")
        var history = OfflineFeatureHistory()
        history.registerDisputes(charges)
        let end = Int64(days) * 86_400, first = Int64(30 * 86_400), last = end - Int64(maturity) * 86_400
        var text = FeatureSchema.current.names.joined(separator: ",") + ",label\n"
        var truth = "scenario,is_fraud,disputed\n"
        var rows = 0, positives = 0
        for (index, charge) in charges.enumerated() {
            let vector = history.vector(for: charge)
            guard charge.time >= first, charge.time < last else { continue }
            let label = charge.disputedAt.map { $0 <= end } ?? false
            text += vector.csvCells + (label ? ",1\n" : ",0\n")
            truth += "\(charge.scenario.rawValue),\(charge.isFraud ? 1 : 0),\(label ? 1 : 0)\n"
            rows += 1
            if label { positives += 1 }
            if index % 200_000 == 0 { print("… \(index)/\(charges.count)") }
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: output))
        if let truthOutput { try Data(truth.utf8).write(to: URL(fileURLWithPath: truthOutput)) }
        print(String(format: "wrote %d rows to %@: %d labelled fraud (%.2f %%)", rows, output, positives,
                     100 * Double(positives) / Double(max(rows, 1))))
    }
}
