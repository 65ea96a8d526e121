import ArgumentParser
import RemitCommandSupport
import Foundation
import Logging
import RemitApp
import RemitStore
import RemitStreaming
import Synchronization

struct Stream: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream", abstract: "The streaming analytics (flow 3).", subcommands: [Run.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the stream processor alone: the request log's change feed → windows → the warehouse.",
            discussion: """
                Reads api_logs from the checkpoints in the warehouse (fact_api_performance_realtime, \\
                fact_merchant_errors_realtime, stream_checkpoint), leasing the partitions no other processor holds. \\
                With --until-caught-up it processes what is there, closes what the watermarks allow (an import that \\
                is complete closes all its windows), commits, and exits.
                """)

        @OptionGroup var store: StoreOptions
        @OptionGroup var stream: StreamOptions
        @Option(name: .customLong("warehouse-url"), help: "postgres://…[?schema=name] or sqlite:PATH for the warehouse (default: <data-dir>/warehouse.sqlite).")
        var warehouseURL: String?
        @Flag(name: .customLong("until-caught-up"), help: "Exit once everything there is has been processed.")
        var untilCaughtUp = false
        @Flag(help: "Print the summary as JSON.") var json = false

        func run() async throws {
            lineBufferedOutput()
            var configuration = try store.configuration()
            if let warehouseURL { configuration.warehouseURL = warehouseURL }
            try stream.apply(to: &configuration)
            let logger = makeLogger(level: .warning)
            let runtime = try RemitRuntime(configuration: configuration, logger: logger)
            let (untilCaughtUp, json) = (self.untilCaughtUp, self.json)
            let summary = try await runtime.withStore(logger: logger) {
                try await runtime.ledger.migrate()
                let started = ContinuousClock.now
                let lastPrinted = Mutex(ContinuousClock.now)
                return try await runtime.streamProcessor(logger: logger).run(untilCaughtUp: untilCaughtUp) { summary in
                    guard !json else { return }
                    let due = lastPrinted.withLock { last -> Bool in
                        guard ContinuousClock.now - last >= .seconds(1) else { return false }
                        last = ContinuousClock.now
                        return true
                    }
                    if due {
                        let seconds = Double((ContinuousClock.now - started).components.seconds)
                        print(String(format: "%lld events, %lld windows written, %lld conversion errors (%.0f s)",
                                     summary.events, summary.windows, summary.conversionErrors, seconds))
                    }
                }
            }
            if json {
                print(#"{"events":\#(summary.events),"windows":\#(summary.windows),"conversion_errors":\#(summary.conversionErrors),"alerts_fired":\#(summary.alertsFired),"alerts_resolved":\#(summary.alertsResolved),"partitions":\#(summary.partitions)}"#)
            } else {
                print("\(summary.events) events read, \(summary.windows) windows written, \(summary.conversionErrors) "
                      + "conversion errors, \(summary.alertsFired) alerts fired, \(summary.alertsResolved) resolved")
            }
        }
    }
}
