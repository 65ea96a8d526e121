import ArgumentParser
import RemitCommandSupport
import Foundation
import Logging
import RemitApp
import RemitStore

extension ETL {
    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete the change capture that the ETL has published, once older than the retention.",
            discussion: """
                Changes at or below the LSN the last published run confirmed, and stamped before now minus the \
                retention, are deleted a batch per transaction, oldest first (`remit serve` does this daily at \
                05:00 UTC). Nothing is deleted before a run has published. A later `remit etl stage --from-lsn` \
                below what was pruned is refused.
                """)

        @OptionGroup var store: StoreOptions
        @Option(help: "Keep published changes this long (default: REMIT_CDC_RETENTION, else 7d).")
        var retention: DurationArgument?

        func run() async throws {
            lineBufferedOutput()
            let configuration = try store.configuration()
            guard let retention = retention?.duration ?? configuration.changeCaptureRetention else {
                throw ValidationError("REMIT_CDC_RETENTION is off: pass --retention to prune anyway")
            }
            let logger = makeLogger(level: .warning)
            let runtime = try RemitRuntime(configuration: configuration, logger: logger)
            let report = try await runtime.withStore(logger: logger) {
                try await runtime.ledger.migrate()
                return try await runtime.pruneChangeCapture(retention: retention) { step in
                    print("pruned \(step.deleted) changes, through LSN \(step.prunedThrough)")
                }
            }
            print(report.description)
        }
    }
}
