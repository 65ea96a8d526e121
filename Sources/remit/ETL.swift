import ArgumentParser
import RemitCommandSupport
import Foundation
import Logging
import RemitApp
import RemitCore
import RemitSQL
import RemitETL
import RemitStore

struct ETL: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "etl", abstract: "The nightly ETL (flow 2).", subcommands: [Run.self, Backfill.self, Runs.self, Stage.self, Prune.self])

    /// The options of the commands that run the pipeline.
    struct PipelineOptions: ParsableArguments {
        @Option(name: .customLong("lake-dir"), help: "The lake (default: <data-dir>/lake).") var lakeDirectory: String?
        @Option(name: .customLong("warehouse-url"), help: "postgres://…[?schema=name] or sqlite:PATH for the warehouse (default: <data-dir>/warehouse.sqlite).")
        var warehouseURL: String?
        @Option(name: .customLong("max-quarantine"),
                help: "The share of rows the quality rules may quarantine before the run fails (default 0.01).")
        var maximumQuarantine: Double?
        @Option(help: "Cancel a run still going after this long (default 4h).") var timeout: DurationArgument?

        func apply(to configuration: inout RemitConfiguration) throws {
            if let warehouseURL { configuration.warehouseURL = warehouseURL }
            if let lakeDirectory { configuration.lakeDirectory = lakeDirectory }
            if let maximumQuarantine {
                guard (0...1).contains(maximumQuarantine) else { throw ValidationError("--max-quarantine must be between 0 and 1") }
                configuration.etl.maximumQuarantineRate = maximumQuarantine
            }
            if let timeout { configuration.etl.timeout = timeout.duration }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the pipeline once: extract → stage to the lake → transform → load and validate → publish or roll back.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var pipeline: PipelineOptions
        @Option(name: .customLong("to-lsn"), help: "Changes up to this LSN (default: every final change).") var toLSN: Int64?
        @Option(help: "The logical date, YYYY-MM-DD (default: today UTC).") var date: String?
        @Flag(help: "Print the report as JSON.") var json = false

        func run() async throws {
            lineBufferedOutput()
            var configuration = try store.configuration()
            try pipeline.apply(to: &configuration)
            let logger = makeLogger(level: .warning)
            let runtime = try RemitRuntime(configuration: configuration, logger: logger)
            let day = try Stage.logicalDate(date)
            let logical = String(format: "%04d-%02d-%02d", day.year, day.month, day.day)
            let (toLSN, json) = (self.toLSN, self.json)
            let runner = runtime.etlRunner(logger: logger)
            let outcome: Result<EtlRunReport, EtlPipeline.Failure> = try await runtime.withStore(logger: logger) {
                try await runtime.ledger.migrate()
                do {
                    return .success(try await runner.run(date: logical, through: toLSN, runID: EtlRunNaming.runID()) { line in
                        if !json { print(line) }
                    })
                } catch let failure as EtlPipeline.Failure {
                    return .failure(failure)
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

    struct Backfill: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the pipeline once per day of a range, each over the changes stamped up to the end of its day.",
            discussion: """
                Day by day, in order: each run takes the changes after the last published run up to the last one \
                stamped before the next day began, and loads them under that day. Days already covered by a \
                published run have nothing left to take and publish an empty run. Stops at the first failure.
                """)

        @OptionGroup var store: StoreOptions
        @OptionGroup var pipeline: PipelineOptions
        @Option(help: "The first day, YYYY-MM-DD.") var from: String
        @Option(help: "The last day, YYYY-MM-DD (included).") var to: String
        @Flag(help: "Print each report as JSON.") var json = false

        func validate() throws {
            guard let first = Timestamp.days(fromISODate: from), let last = Timestamp.days(fromISODate: to) else {
                throw ValidationError("--from and --to must look like 2026-11-25")
            }
            guard first <= last, last - first < 3660 else { throw ValidationError("--from must be on or before --to, within 10 years") }
        }

        func run() async throws {
            lineBufferedOutput()
            var configuration = try store.configuration()
            try pipeline.apply(to: &configuration)
            let logger = makeLogger(level: .warning)
            let runtime = try RemitRuntime(configuration: configuration, logger: logger)
            let runner = runtime.etlRunner(logger: logger)
            let (from, to, json) = (self.from, self.to, self.json)
            let suffix = EtlRunNaming.runID()
            let failed: EtlPipeline.Failure? = try await runtime.withStore(logger: logger) {
                try await runtime.ledger.migrate()
                let (_, failure) = try await runner.backfill(
                    from: from, through: to, runSuffix: suffix,
                    dayStarting: { day, index, days, through in
                        if !json { print("==> \(day) (\(index) of \(days)): changes up to LSN \(through)") }
                    },
                    progress: { line in
                        if !json { print("    " + line) }
                    },
                    dayFinished: { report in print(json ? report.json : report.text) })
                if let failure { print(json ? failure.report.json : failure.report.text) }
                return failure
            }
            if failed != nil { throw ExitCode(1) }
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
        @Option(name: .customLong("warehouse-url"), help: "The warehouse whose loaded charges the business rules check against.")
        var warehouseURL: String?
        @Option(name: .customLong("from-lsn"), help: "Changes after this LSN (exclusive; default 0).") var fromLSN: Int64 = 0
        @Option(name: .customLong("to-lsn"), help: "Changes up to this LSN (default: every final change).") var toLSN: Int64?
        @Option(help: "The logical date, YYYY-MM-DD (default: today UTC).") var date: String?
        @Option(help: "The run's name in file names (default: the UTC time).") var run: String?
        @Flag(help: "Print the report as JSON.") var json = false

        func run() async throws {
            var configuration = try store.configuration()
            if let lakeDirectory { configuration.lakeDirectory = lakeDirectory }
            if let warehouseURL { configuration.warehouseURL = warehouseURL }
            let logger = makeLogger(level: .warning)
            let runtime = try RemitRuntime(configuration: configuration, logger: logger)
            let day = try Self.logicalDate(date)
            let name = run ?? EtlRunNaming.runID()
            let lake = configuration.lakePath
            let (fromLSN, toLSN, json) = (self.fromLSN, self.toLSN, self.json)
            let runner = runtime.etlRunner(logger: logger)
            let (through, reports) = try await runtime.withStore(logger: logger) {
                try await runtime.ledger.migrate()
                let horizon = try await ChangeFeed(database: runtime.store.database).horizon()
                let through = toLSN ?? horizon
                guard through <= horizon else {
                    throw ValidationError("--to-lsn \(through) is past the last final LSN (\(horizon))")
                }
                let reports = try await runner.pipeline.stage(afterLSN: fromLSN, throughLSN: through, date: day, runID: name) { line in
                    if !json { print(line) }
                }
                return (through, reports)
            }
            if json {
                print(JSONValue.object([
                    ("run", .string(name)), ("from_lsn", .int(fromLSN)), ("to_lsn", .int(through)), ("lake", .string(lake)),
                    ("tables", .array(reports.map(\.json))),
                ]).rendered())
            }
        }

        static func logicalDate(_ text: String?) throws -> (year: Int, month: Int, day: Int) {
            guard let date = EtlRunNaming.logicalDate(text) else { throw ValidationError("--date must look like 2026-11-25") }
            return date
        }
    }
}

