import ArgumentParser
import RemitCommandSupport
import Foundation
import Logging
import RemitApp
import RemitStore
import RemitStreaming

struct Logs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "The request log (the seed's api_logs).", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Append request log documents from a JSON Lines file, through the same change feed as Remit's own.",
            discussion: """
                Each line: {"log_id", "merchant_id", "endpoint", "status_code", "latency_ms", "timestamp"} and \\
                optionally "method" and "request_id". The documents become the source import:<name>, judged against \\
                their own watermark; once the import is complete the stream processor closes its last windows. A file \\
                with a line that cannot be stored imports nothing, unless --skip-invalid.
                """)

        @OptionGroup var store: StoreOptions
        @Argument(help: "The JSON Lines file.") var file: String
        @Option(help: "The import's name (default: the file's name and the time).") var name: String?
        @Flag(name: .customLong("skip-invalid"), help: "Import the valid lines and report the others.") var skipInvalid = false

        func run() async throws {
            lineBufferedOutput()
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let (documents, invalid) = APILogFile.parse(String(decoding: data, as: UTF8.self))
            for problem in invalid.prefix(10) { print("invalid: \(problem)") }
            if invalid.count > 10 { print("… and \(invalid.count - 10) more invalid lines") }
            if !invalid.isEmpty && !skipInvalid {
                print("nothing imported: \(invalid.count) invalid lines (--skip-invalid imports the rest)")
                throw ExitCode(1)
            }
            let configuration = try store.configuration()
            let logger = makeLogger(level: .warning)
            let runtime = try RemitRuntime(configuration: configuration, logger: logger)
            let importName = name ?? (URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent + "-"
                                      + String(Int(Date().timeIntervalSince1970)))
            let path = file
            let record = try await runtime.withStore(logger: logger) {
                try await runtime.ledger.migrate()
                return try await runtime.ledger.importAPILogs(documents, name: importName, file: path) { done in
                    if done % 100_000 == 0 || done == documents.count { print("imported \(done) of \(documents.count)") }
                }
            }
            print("imported \(record.documents) documents as \(record.source) (up to LSN \(record.lastLSN))")
        }
    }
}
