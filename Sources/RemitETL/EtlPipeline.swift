import Foundation
import RemitCore
import RemitSQL
import RemitStore

/// One nightly run (flow 2): extract the change range (last published LSN, `through`], stage it to the lake,
/// transform (SCD2 dimensions, facts with USD amounts, daily aggregates), load and validate in **one warehouse
/// transaction** that also records the run as published, so a failed check rolls everything back and the
/// previous warehouse stays live (write-audit-publish, research data.md §4.2).
public struct EtlPipeline: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let report: EtlRunReport
        public var description: String {
            report.error ?? "checks failed: " + report.failedChecks.map(\.name).joined(separator: ", ")
        }
    }

    struct ValidationFailed: Error {
        let checks: [EtlRunReport.Check]
    }

    /// Another run holds the warehouse.
    public struct Busy: Error, CustomStringConvertible {
        public let holder: String
        public var description: String { "another ETL run holds the warehouse (\(holder))" }
    }

    /// How long a run may hold the warehouse before another may take it over (the run timeout's bound).
    public static let lease: Duration = .seconds(4 * 3600)

    public let store: any SQLDatabase
    public let warehouse: any SQLDatabase
    public let lakeDirectory: String

    public init(store: any SQLDatabase, warehouse: any SQLDatabase, lakeDirectory: String) {
        self.store = store
        self.warehouse = warehouse
        self.lakeDirectory = lakeDirectory
    }

    /// Runs the pipeline for `date` (`YYYY-MM-DD`) over every final change up to `through` (default: the horizon).
    public func run(date: String, through: Int64? = nil, runID: String,
                    progress: @Sendable (String) -> Void = { _ in }) async throws -> EtlRunReport {
        try await Migrator.migrate(warehouse, WarehouseSchema.migrations)
        try await acquire(runID)
        do {
            let report = try await runLocked(date: date, through: through, runID: runID, progress: progress)
            try await release(runID)
            return report
        } catch {
            try? await release(runID)
            throw error
        }
    }

    func acquire(_ runID: String) async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let until = now + Self.lease.components.seconds * 1000
        let taken = try await warehouse.write { connection in
            try await connection.execute("""
                UPDATE etl_lock SET holder = \(runID), until_ms = \(until) WHERE id = 1 AND (holder IS NULL OR until_ms < \(now))
                """)
        }
        guard taken == 1 else {
            let holder = try await warehouse.read { connection in
                try await connection.queryFirst("SELECT holder FROM etl_lock WHERE id = 1")?.optionalString("holder")
            }
            throw Busy(holder: holder ?? "unknown")
        }
    }

    func release(_ runID: String) async throws {
        _ = try await warehouse.write { connection in
            try await connection.execute("UPDATE etl_lock SET holder = NULL, until_ms = 0 WHERE id = 1 AND holder = \(runID)")
        }
    }

    func runLocked(date: String, through: Int64?, runID: String,
                   progress: @Sendable (String) -> Void) async throws -> EtlRunReport {
        let parts = date.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { throw Failure(report: EtlRunReport(runID: runID, logicalDate: date, fromLSN: 0, toLSN: 0, error: "bad date")) }
        let from = try await warehouse.read { connection in
            try await connection.queryFirst(
                "SELECT COALESCE(MAX(to_lsn), 0) AS lsn FROM etl_run WHERE status = 'published'")?.int("lsn") ?? 0
        }
        let horizon = try await ChangeFeed(database: store).horizon()
        let to = max(from, min(through ?? horizon, horizon))
        var report = EtlRunReport(runID: runID, logicalDate: date, fromLSN: from, toLSN: to)
        let started = Self.now()
        _ = try await warehouse.write { connection in
            try await connection.execute("""
                INSERT INTO etl_run (run_id, logical_date, from_lsn, to_lsn, status, started_at)
                VALUES (\(runID), \(date), \(from), \(to), 'running', \(started))
                """)
        }
        do {
            var clock = ContinuousClock.now
            func step(_ name: String, rows: Int) {
                let elapsed = ContinuousClock.now - clock
                report.steps.append(.init(name: name, seconds: Double(elapsed.components.seconds)
                                          + Double(elapsed.components.attoseconds) / 1e18, rows: rows))
                progress("\(name): \(rows) rows")
                clock = ContinuousClock.now
            }
            let staged = try await LakeStager(database: store, lakeDirectory: lakeDirectory)
                .stage(afterLSN: from, throughLSN: to, date: (parts[0], parts[1], parts[2]), run: runID)
            let tables = Dictionary(uniqueKeysWithValues: staged.map { ($0.table, $0.changes) })
            step("extract+stage", rows: staged.reduce(0) { $0 + $1.changes.count })
            let rates = try await FXRateStore(database: store).all().compactMap { row in
                ExchangeRate(row.perEuro).map { ECBRatesFile.Rate(date: row.day, currency: row.currency, perEuro: $0) }
            }
            let converter = CurrencyConverter(rates)
            let transform = try WarehouseTransform(tables: tables, converter: converter, logicalDate: date)
            step("transform", rows: transform.payments.count + transform.refunds.count)
            let checks: [EtlRunReport.Check]
            let dimensionRows: Int
            do {
                (checks, dimensionRows) = try await warehouse.write { connection in
                    let dimensionRows = try await transform.load(on: connection)
                    let checks = try await transform.validate(on: connection)
                    guard checks.allSatisfy(\.passed) else { throw ValidationFailed(checks: checks) }
                    try await connection.execute("""
                        UPDATE etl_run SET status = 'published', finished_at = \(Self.now()) WHERE run_id = \(runID)
                        """)
                    return (checks, dimensionRows)
                }
            } catch let failed as ValidationFailed {
                report.checks = failed.checks
                throw failed
            }
            report.checks = checks
            step("load+validate", rows: transform.payments.count + transform.refunds.count + dimensionRows)
            if warehouse.dialect == .sqlite {
                _ = try await warehouse.write { connection in try await connection.execute("ANALYZE") }
            } else {
                try await warehouse.read { connection in _ = try await connection.execute("ANALYZE") }
            }
            report.status = "published"
            try await record(report)
            return report
        } catch {
            report.status = "failed"
            if !(error is ValidationFailed) { report.error = "\(error)" }
            let failed = report
            _ = try? await warehouse.write { connection in
                try await connection.execute("""
                    UPDATE etl_run SET status = 'failed', finished_at = \(Self.now()), report = \(failed.json),
                        error = \(failed.error ?? failed.failedChecks.map(\.name).joined(separator: ", "))
                    WHERE run_id = \(runID)
                    """)
            }
            throw Failure(report: failed)
        }
    }

    func record(_ report: EtlRunReport) async throws {
        _ = try await warehouse.write { connection in
            try await connection.execute("UPDATE etl_run SET report = \(report.json) WHERE run_id = \(report.runID)")
        }
    }

    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }

    /// Past runs, newest first.
    public static func runs(_ warehouse: any SQLDatabase, limit: Int = 30) async throws -> [SQLRow] {
        try await Migrator.migrate(warehouse, WarehouseSchema.migrations)
        return try await warehouse.read { connection in
            try await connection.query("SELECT * FROM etl_run ORDER BY started_at DESC LIMIT \(limit)")
        }
    }
}
