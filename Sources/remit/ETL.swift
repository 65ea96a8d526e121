import ArgumentParser
import Foundation
import Logging
import RemitApp
import RemitSQL
import RemitETL
import RemitStore

struct ETL: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "etl", abstract: "The nightly ETL (flow 2).", subcommands: [Run.self, Runs.self, Stage.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the pipeline once: extract → stage to the lake → transform → load and validate → publish or roll back.")

        @OptionGroup var store: StoreOptions
        @Option(name: .customLong("lake-dir"), help: "The lake (default: <data-dir>/lake).") var lakeDirectory: String?
        @Option(name: .customLong("warehouse-url"), help: "postgres://… for the warehouse (default: <data-dir>/warehouse.sqlite).")
        var warehouseURL: String?
        @Option(name: .customLong("to-lsn"), help: "Changes up to this LSN (default: every final change).") var toLSN: Int64?
        @Option(help: "The logical date, YYYY-MM-DD (default: today UTC).") var date: String?
        @Flag(help: "Print the report as JSON.") var json = false

        func run() async throws {
            var configuration = try store.configuration()
            if let warehouseURL { configuration.warehouseURL = warehouseURL }
            if let lakeDirectory { configuration.lakeDirectory = lakeDirectory }
            let logger = makeLogger(level: .warning)
            let runtime = try RemitRuntime(configuration: configuration, logger: logger)
            let day = try Stage.logicalDate(date)
            let logical = String(format: "%04d-%02d-%02d", day.year, day.month, day.day)
            let (toLSN, json) = (self.toLSN, self.json)
            let runner = runtime.etlRunner(logger: logger)
            let outcome: Result<EtlRunReport, EtlPipeline.Failure> = try await runtime.withStore(logger: logger) {
                try await runtime.warehouse.running(logger: logger) {
                    try await runtime.ledger.migrate()
                    do {
                        return .success(try await runner.run(date: logical, through: toLSN, runID: Stage.runName()) { line in
                            if !json { print(line) }
                        })
                    } catch let failure as EtlPipeline.Failure {
                        return .failure(failure)
                    }
                }
            }
            switch outcome {
            case .success(let report):
                print(json ? report.json : report.text)
            case .failure(let failure):
                print(json ? failure.report.json : failure.report.text)
                throw ExitCode(1)
            }
        }
    }

    struct Runs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List past runs, newest first.")

        @OptionGroup var store: StoreOptions
        @Option(name: .customLong("warehouse-url")) var warehouseURL: String?

        func run() async throws {
            var configuration = try store.configuration()
            if let warehouseURL { configuration.warehouseURL = warehouseURL }
            let logger = makeLogger(level: .warning)
            let warehouse = try StoreConnection.openWarehouse(configuration, url: configuration.warehouseURL, logger: logger)
            let rows = try await warehouse.running(logger: logger) {
                try await EtlPipeline.runs(warehouse.database)
            }
            for row in rows {
                print([row.string("run_id"), row.string("logical_date"), row.string("status"),
                       "(\(row.int("from_lsn")), \(row.int("to_lsn"))]", row.optionalString("error") ?? ""]
                    .joined(separator: "  "))
            }
        }
    }

    struct Stage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stage the net changes of an LSN range to the Parquet lake (Hive-partitioned by the logical date).")

        @OptionGroup var store: StoreOptions
        @Option(name: .customLong("lake-dir"), help: "The lake (default: <data-dir>/lake).") var lakeDirectory: String?
        @Option(name: .customLong("from-lsn"), help: "Changes after this LSN (exclusive; default 0).") var fromLSN: Int64 = 0
        @Option(name: .customLong("to-lsn"), help: "Changes up to this LSN (default: every final change).") var toLSN: Int64?
        @Option(help: "The logical date, YYYY-MM-DD (default: today UTC).") var date: String?
        @Option(help: "The run's name in file names (default: the UTC time).") var run: String?
        @Flag(help: "Print the report as JSON.") var json = false

        func run() async throws {
            let configuration = try store.configuration()
            let logger = makeLogger(level: .warning)
            let runtime = try RemitRuntime(configuration: configuration, logger: logger)
            let day = try Self.logicalDate(date)
            let name = run ?? Self.runName()
            let lake = lakeDirectory ?? configuration.dataDirectory + "/lake"
            let (fromLSN, toLSN, json) = (self.fromLSN, self.toLSN, self.json)
            let (through, reports) = try await runtime.withStore(logger: logger) {
                try await runtime.ledger.migrate()
                let horizon = try await ChangeFeed(database: runtime.store.database).horizon()
                let through = toLSN ?? horizon
                guard through <= horizon else {
                    throw ValidationError("--to-lsn \(through) is past the last final LSN (\(horizon))")
                }
                let stager = LakeStager(database: runtime.store.database, lakeDirectory: lake)
                let reports = try await stager.stage(afterLSN: fromLSN, throughLSN: through, date: day, run: name) { line in
                    if !json { print(line) }
                }
                return (through, reports)
            }
            if json {
                let document: [String: Any] = [
                    "run": name, "from_lsn": fromLSN, "to_lsn": through, "lake": lake,
                    "tables": reports.map { ["table": $0.table, "upserts": $0.upserts, "deletes": $0.deletes,
                                             "files": $0.files] as [String: Any] },
                ]
                let data = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            }
        }

        static func logicalDate(_ text: String?) throws -> (year: Int, month: Int, day: Int) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            guard let text else {
                let today = calendar.dateComponents([.year, .month, .day], from: Date())
                return (today.year!, today.month!, today.day!)
            }
            let parts = text.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]),
                  calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) != nil else {
                throw ValidationError("--date must look like 2026-11-25")
            }
            return (parts[0], parts[1], parts[2])
        }

        static func runName() -> String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
            return formatter.string(from: Date()) + "-" + String(UInt16.random(in: .min ... .max), radix: 16)
        }
    }
}

