import Foundation
import RemitCore
import RemitSQL
import RemitStore
import Synchronization

/// One nightly run (flow 2): extract the change range (last published LSN, `through`], judge it (data quality and
/// business rules: rejected rows are quarantined), stage it to the lake, transform (SCD2 dimensions, facts with USD
/// amounts, daily aggregates), then load and validate in **one warehouse transaction** that also records the run as
/// published, so a failed check rolls everything back and the previous warehouse stays live (write-audit-publish,
/// research data.md §4.2).
public struct EtlPipeline: Sendable {
    public struct Configuration: Sendable {
        /// The share of extracted rows that may be quarantined before the run fails.
        public var maximumQuarantineRate = 0.01
        /// A run still going after this long is cancelled; its staging files and its `etl_run` row stay.
        public var timeout: Duration = .seconds(4 * 3600)
        /// Reads of the source (the OLTP store) that fail are retried this many times.
        public var sourceRetry = RetryPolicy()
        /// The run's hold on the warehouse lasts this long and is renewed a third of the way through, so a run that
        /// dies (kill -9, a lost node) frees the warehouse for the next one within this time.
        public var lockLease: Duration = .seconds(120)
        /// A run reads its range in slices of about this many captured changes (`REMIT_ETL_SLICE`): what it holds in
        /// memory follows the slice, not the range (1M payments in one run: 2.0 GB at the default, 3.7 GB unsliced).
        /// Small slices were also the fastest at 1M payments (BENCHMARKS.md): each slice's reduction stays in cache,
        /// and the read ahead of the next slice overlaps all but the first and the last.
        public var sliceChanges = 125_000

        public init() {}
    }

    public struct Failure: Error, CustomStringConvertible {
        public enum Kind: String, Sendable {
            /// A check failed: rolled back, staging kept.
            case validation
            /// The source's schema changed: stopped, never retried.
            case schemaChange = "schema_change"
            /// The source kept failing after its retries.
            case sourceUnavailable = "source_unavailable"
            /// Over the run's timeout: cancelled, state kept.
            case timeout
            /// Anything else (the warehouse, the lake).
            case error
        }

        public let kind: Kind
        public let report: EtlRunReport
        public var description: String {
            report.error ?? "checks failed: " + report.failedChecks.map(\.name).joined(separator: ", ")
        }
    }

    struct ValidationFailed: Error {
        let checks: [EtlRunReport.Check]
    }

    struct SourceUnavailable: Error, CustomStringConvertible {
        let underlying: any Error
        let attempts: Int
        var description: String { "the source store failed \(attempts) times: \(underlying)" }
    }

    struct TimedOut: Error, CustomStringConvertible {
        let timeout: Duration
        var description: String { "the run exceeded its timeout (\(timeout)) and was cancelled" }
    }

    /// Another run holds the warehouse.
    public struct Busy: Error, CustomStringConvertible {
        public let holder: String
        public var description: String { "another ETL run holds the warehouse (\(holder))" }
    }

    public let store: any SQLDatabase
    public let warehouse: any SQLDatabase
    public let lakeDirectory: String
    public var configuration: Configuration
    /// Sleeps between source retries (tests pass one that does not wait).
    var sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }

    public init(store: any SQLDatabase, warehouse: any SQLDatabase, lakeDirectory: String,
                configuration: Configuration = Configuration()) {
        self.store = store
        self.warehouse = warehouse
        self.lakeDirectory = lakeDirectory
        self.configuration = configuration
    }

    /// The same pipeline with another way to wait between source retries.
    public func sleeping(with sleep: @escaping @Sendable (Duration) async throws -> Void) -> EtlPipeline {
        var copy = self
        copy.sleep = sleep
        return copy
    }

    /// Runs the pipeline for `date` (`YYYY-MM-DD`) over every final change up to `through` (default: the horizon).
    public func run(date: String, through: Int64? = nil, runID: String,
                    progress: @Sendable @escaping (String) -> Void = { _ in }) async throws -> EtlRunReport {
        try await Migrator.migrate(warehouse, WarehouseSchema.migrations)
        let lock = EtlLock(warehouse: warehouse)
        let lease = configuration.lockLease
        try await lock.acquire(runID, lease: lease)
        do {
            let report = try await withThrowingTaskGroup(of: EtlRunReport?.self) { group in
                group.addTask {
                    while true {
                        try await Task.sleep(for: lease / 3)
                        try await lock.renew(runID, lease: lease)
                    }
                }
                group.addTask { try await runLocked(date: date, through: through, runID: runID, progress: progress) }
                defer { group.cancelAll() }
                while let result = try await group.next() {
                    if let report = result { return report }
                }
                preconditionFailure("the run ended without a report")
            }
            try await lock.release(runID)
            return report
        } catch {
            try? await lock.release(runID)
            throw error
        }
    }

    func runLocked(date: String, through: Int64?, runID: String,
                   progress: @Sendable @escaping (String) -> Void) async throws -> EtlRunReport {
        guard let day = Timestamp.days(fromISODate: date) else {
            throw Failure(kind: .error, report: EtlRunReport(runID: runID, logicalDate: date, fromLSN: 0, toLSN: 0,
                                                             error: "not a date: \(date)"))
        }
        let from = try await EtlRuns(warehouse: warehouse).lastPublishedLSN()
        let report = EtlRunReport(runID: runID, logicalDate: date, fromLSN: from, toLSN: from)
        try await EtlRuns(warehouse: warehouse).start(report, at: Self.now())
        let progressReport = ReportBox(report)
        do {
            let timeout = configuration.timeout
            let published = try await withThrowingTaskGroup(of: EtlRunReport?.self) { group in
                group.addTask {
                    try await steps(civilDay: Timestamp.civil(fromDays: day), through: through, report: progressReport,
                                    progress: progress)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw TimedOut(timeout: timeout)
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
            return published!
        } catch {
            var failed = progressReport.value
            failed.status = error is TimedOut ? "timed_out" : "failed"
            let kind: Failure.Kind
            switch error {
            case let validation as ValidationFailed:
                failed.checks = validation.checks
                kind = .validation
            case is LakeStager.SchemaChange: kind = .schemaChange
            case is SourceUnavailable: kind = .sourceUnavailable
            case is TimedOut: kind = .timeout
            default: kind = .error
            }
            if kind != .validation { failed.error = "\(error)" }
            try? await EtlRuns(warehouse: warehouse).finish(failed, at: Self.now())
            throw Failure(kind: kind, report: failed)
        }
    }

    /// The steps of a run, each timed into the report. The range is cut into slices of about
    /// ``Configuration/sliceChanges`` captured changes, and each slice in turn is extracted, judged, staged to the
    /// lake beside its transform and load, and checked, all inside the one warehouse transaction: a run holds at most
    /// two slices in memory (the one loading and the next, read ahead), not its range, and publishes all its slices or
    /// none. The daily aggregates and the run's own checks come after the last slice.
    func steps(civilDay: (Int64, Int64, Int64), through: Int64?, report box: ReportBox,
               progress: @Sendable @escaping (String) -> Void) async throws -> EtlRunReport {
        let (from, runID, logicalDate) = (box.value.fromLSN, box.value.runID, box.value.logicalDate)
        let horizon = try await retryingSource { try await ChangeFeed(database: store).horizon() }
        let to = max(from, min(through ?? horizon, horizon))
        box.update { $0.toLSN = to }
        try await EtlRuns(warehouse: warehouse).setRange(runID, to: to)
        let step = box.stepTimer(progress: progress)
        let sliceChanges = configuration.sliceChanges
        let slices = try await retryingSource {
            try await ChangeFeed(database: store).slices(after: from, through: to, changes: sliceChanges)
        }
        let rates = try await retryingSource { try await FXRateStore(database: store).all() }.compactMap { row in
            ExchangeRate(row.perEuro).map { ECBRatesFile.Rate(date: row.day, currency: row.currency, perEuro: $0) }
        }
        let converter = CurrencyConverter(rates)
        let (year, month, dayOfMonth) = civilDay
        let date = (Int(year), Int(month), Int(dayOfMonth))
        let maximumRate = configuration.maximumQuarantineRate
        let finishedAt = Self.now()
        // The next slice is read on a thread of its own while this one loads (see DedicatedThreadExecutor).
        let readAhead = DedicatedThreadExecutor(name: "remit-etl-read-ahead")
        defer { readAhead.shutdown() }
        // Each slice's payments are looked up in the OLTP store for its reconciliation beside its load.
        let reconcile = DedicatedThreadExecutor(name: "remit-etl-reconcile")
        defer { reconcile.shutdown() }
        let checks = try await warehouse.write { connection in
            // The pages of the slice after next are read from the disk beside the rest (ChangePagePrefetcher).
            try await ChangePagePrefetcher(store: store).withPrefetching { prefetch in
                var checks: [EtlRunReport.Check] = []
                var totals = WarehouseValidation.RunTotals()
                var aggregates = AggregateDeltas()
                var ahead: [String: StagedRows]?
                for (index, slice) in slices.enumerated() {
                    try Task.checkCancellation()
                    let label = slices.count == 1 ? nil : "slice \(index + 1) of \(slices.count)"
                    if let label { progress("\(label): LSN (\(slice.after), \(slice.through)]") }
                    let extracted: [String: StagedRows]
                    if let read = ahead {
                        extracted = read
                        ahead = nil
                        step("extract (wait)", 0)  // what was left of the read ahead (its rows are counted there)
                    } else {
                        extracted = try await self.extract(slice, progress: progress)
                        step("extract", extracted.values.reduce(0) { $0 + $1.count })
                    }
                    // The next slice is read from the store while this one is judged, staged and loaded: its rules need
                    // this slice's load, its extraction does not. (Two slices in memory at most.)
                    let next = index + 1 < slices.count ? slices[index + 1] : nil
                    if index + 2 < slices.count { prefetch(slices[index + 2]) }
                    async let following = self.extractAhead(next, on: readAhead, report: box, progress: progress)
                    let loaded = try await self.loadSlice(
                        extracted, slice: slice, stageName: label == nil ? runID : "\(runID)-\(index + 1)", runID: runID,
                        reconcileOn: reconcile, date: date, converter: converter, logicalDate: logicalDate,
                        on: connection, report: box, step: step, progress: progress)
                    checks += loaded.checks.map { check in
                        var check = check
                        if let label { check.detail = "\(label): " + check.detail }
                        return check
                    }
                    totals.add(loaded.quality, newestPayment: loaded.newestPayment)
                    box.update { $0.quarantined = totals.quarantined }
                    aggregates.merge(loaded.aggregates)
                    // A slice that fails its checks fails the run now, not after the slices still to come.
                    guard checks.allSatisfy(\.passed) else { throw ValidationFailed(checks: checks) }
                    ahead = try await following
                }
                step("aggregates", try await aggregates.apply(on: connection))
                let runChecks = try await WarehouseValidation.runChecks(totals, maximumQuarantineRate: maximumRate,
                                                                        logicalDate: logicalDate, on: connection)
                step("validate run", runChecks.count)
                checks += runChecks
                guard checks.allSatisfy(\.passed) else { throw ValidationFailed(checks: checks) }
                // Fenced: a run whose lease lapsed (it stalled and another took over) must not publish.
                try await EtlLock.confirm(runID, on: connection)
                try await EtlRuns.publish(runID, quarantined: totals.quarantined, at: finishedAt, on: connection)
                return checks
            }
        }
        box.update { $0.checks = checks }
        step("commit", 0)
        try await EtlRuns(warehouse: warehouse).analyze()
        step("analyze", 0)
        box.update { $0.status = "published" }
        let published = box.value
        try await EtlRuns(warehouse: warehouse).finish(published, at: Self.now())
        // The store may now let go of what this run loaded, once its retention has passed. A confirmation that does
        // not get through only keeps changes longer: the next published run confirms again.
        try? await retryingSource {
            try await ChangeCaptureRetention(database: store).confirm(consumer: ChangeCaptureRetention.etlConsumer,
                                                                      through: to, at: Self.now())
        }
        return published
    }

    /// A slice's net changes from the store (retried as every source read).
    func extract(_ slice: (after: Int64, through: Int64),
                 progress: @Sendable @escaping (String) -> Void) async throws -> [String: StagedRows] {
        try await retryingSource {
            try await ChangeRangeExtractor(database: store).extract(afterLSN: slice.after, throughLSN: slice.through,
                                                                     progress: progress)
        }
    }

    /// The next slice's extraction, beside the current slice's load (recorded as a step of its own); nil after the last.
    /// It runs on `thread`, its two store readers one after the other: the cooperative pool's threads are left to the
    /// load and the staging.
    func extractAhead(_ slice: (after: Int64, through: Int64)?, on thread: DedicatedThreadExecutor, report box: ReportBox,
                      progress: @Sendable @escaping (String) -> Void) async throws -> [String: StagedRows]? {
        guard let slice else { return nil }
        let started = ContinuousClock.now
        let extracted = try await withTaskExecutorPreference(thread) { try await extract(slice, progress: progress) }
        box.record("extract (beside the load)", seconds: ContinuousClock.now - started,
                   rows: extracted.values.reduce(0) { $0 + $1.count })
        return extracted
    }

    /// What a slice leaves for the rest of the run.
    struct LoadedSlice: Sendable {
        var checks: [EtlRunReport.Check]
        var quality: QualityRules.Outcome
        var newestPayment: Int64?
        /// What its facts change in the daily aggregates.
        var aggregates: AggregateDeltas
    }

    /// One slice, inside the run's warehouse transaction: its net changes are judged (against what the warehouse
    /// holds, this run's earlier slices included), then its accepted and quarantined rows are staged to the lake while
    /// they are transformed and loaded, and what was loaded is checked. A failed staging fails the run, which rolls
    /// the load back.
    func loadSlice(_ extracted: [String: StagedRows], slice: (after: Int64, through: Int64), stageName: String,
                   runID: String, reconcileOn reconcile: DedicatedThreadExecutor, date: (Int, Int, Int),
                   converter: CurrencyConverter, logicalDate: String, on connection: any SQLConnection, report box: ReportBox,
                   step: @escaping @Sendable (String, Int) -> Void,
                   progress: @Sendable @escaping (String) -> Void) async throws -> LoadedSlice {
        try Task.checkCancellation()
        let quality = try await judge(extracted, on: connection)
        step("quality", quality.quarantined.count)
        return try await stageAndLoad(quality, slice: slice, stageName: stageName, runID: runID,
                                      reconcileOn: reconcile, date: date, converter: converter,
                                      logicalDate: logicalDate, on: connection, report: box, step: step,
                                      progress: progress)
    }

    /// A judged slice, staged to the lake while it is transformed, loaded and checked. (A function of its own: with
    /// this task group inside ``loadSlice``, Swift 6.3.1's ClosureLifetimeFixup pass crashed the compiler.)
    func stageAndLoad(_ quality: QualityRules.Outcome, slice: (after: Int64, through: Int64), stageName: String,
                      runID: String, reconcileOn reconcile: DedicatedThreadExecutor, date: (Int, Int, Int),
                      converter: CurrencyConverter, logicalDate: String, on connection: any SQLConnection, report box: ReportBox,
                      step: @escaping @Sendable (String, Int) -> Void,
                      progress: @Sendable @escaping (String) -> Void) async throws -> LoadedSlice {
        let (lakeDirectory, store) = (self.lakeDirectory, self.store)
        return try await withThrowingTaskGroup(of: LoadedSlice?.self) { group in
            // The lake is written while the warehouse loads (two cores, two jobs).
            group.addTask {
                let started = ContinuousClock.now
                _ = try LakeStager(lakeDirectory: lakeDirectory).stage(
                    quality.accepted, quarantined: quality.quarantined, date: date, run: stageName, progress: progress)
                let rows = quality.accepted.values.reduce(0) { $0 + $1.count }
                box.record("stage (beside the load)", seconds: ContinuousClock.now - started, rows: rows)
                progress("stage: \(rows) rows (beside the load)")
                return nil
            }
            group.addTask {
                // The OLTP side of the reconciliation, read while the slice is transformed and loaded.
                let paymentIDs = quality.accepted["payment"].map { rows in
                    rows.changes.filter { $0.kind == .upsert }.map(\.key)
                } ?? []
                async let oltp = withTaskExecutorPreference(reconcile) {
                    try await WarehouseValidation.oltpCountsAndSums(of: paymentIDs, in: store)
                }
                let transform = WarehouseTransform(tables: quality.accepted, converter: converter, logicalDate: logicalDate)
                step("transform", transform.payments.count + transform.refunds.count + transform.disputes.count
                     + transform.movements.count)
                try Task.checkCancellation()
                let (keys, aggregates) = try await transform.load(on: connection, runID: runID,
                                                                  quarantined: quality.quarantined, step: step)
                try Task.checkCancellation()
                let checks = try await WarehouseValidation(transform: transform, range: slice, oltp: try await oltp)
                    .sliceChecks(on: connection, keys: keys)
                step("validate", checks.count)
                return LoadedSlice(checks: checks, quality: quality, newestPayment: transform.payments.map(\.created).max(),
                                   aggregates: aggregates)
            }
            var loaded: LoadedSlice?
            for try await result in group { if let result { loaded = result } }
            return loaded!
        }
    }

    /// The first steps of a run without the load (`remit etl stage`): extract `(after, through]`, judge it, and
    /// stage the accepted and the quarantined rows to the lake.
    public func stage(afterLSN: Int64, throughLSN: Int64, date: (year: Int, month: Int, day: Int), runID: String,
                      progress: @Sendable @escaping (String) -> Void = { _ in }) async throws -> [LakeStager.TableReport] {
        try await Migrator.migrate(warehouse, WarehouseSchema.migrations)
        let extracted = try await retryingSource {
            try await ChangeRangeExtractor(database: store).extract(afterLSN: afterLSN, throughLSN: throughLSN,
                                                                     progress: progress)
        }
        let quality = try await judge(extracted)
        return try LakeStager(lakeDirectory: lakeDirectory).stage(quality.accepted, quarantined: quality.quarantined,
                                                                  date: date, run: runID, progress: progress)
    }

    /// The quality rules over the extracted rows (with what the warehouse knows of the charges they point at), the
    /// quarantined rows with their images read back from the store.
    /// With `connection` (a run's warehouse transaction), the charges loaded by the run's earlier slices are known too.
    func judge(_ extracted: [String: StagedRows], on connection: (any SQLConnection)? = nil) async throws -> QualityRules.Outcome {
        let (charges, refunds) = (QualityRules.chargesToLookUp(extracted), extracted["refund"]?.changes.map(\.key) ?? [])
        let known = if let connection {
            try await EtlRuns.knownCharges(charges, refunds: refunds, on: connection)
        } else {
            try await EtlRuns(warehouse: warehouse).knownCharges(charges, refunds: refunds)
        }
        var outcome = QualityRules(maximumRate: configuration.maximumQuarantineRate).judge(extracted, known: known)
        outcome.quarantined = try await retryingSource { [outcome] in try await outcome.quarantined.withImages(from: store) }
        return outcome
    }

    /// The LSN that ends a day's changes for a backfill: the last final one stamped before the next day began.
    public func lastLSN(ofDay day: String) async throws -> Int64 {
        guard let days = Timestamp.days(fromISODate: day) else { return 0 }
        return try await retryingSource {
            try await ChangeFeed(database: store).lastLSN(changedBefore: Timestamp.iso8601(unixMilliseconds: (days + 1) * 86_400_000))
        }
    }

    /// Runs a read of the source, retried `configuration.sourceRetry.retries` times with exponential backoff and
    /// full jitter; then gives up with ``SourceUnavailable``.
    func retryingSource<T: Sendable>(_ read: @Sendable () async throws -> T) async throws -> T {
        let policy = configuration.sourceRetry
        var attempt = 0
        while true {
            do {
                return try await read()
            } catch let error as DatabaseError {
                guard attempt < policy.retries else { throw SourceUnavailable(underlying: error, attempts: attempt + 1) }
                try await sleep(policy.delay(afterAttempt: attempt))
                attempt += 1
            }
        }
    }

    static func now() -> String { Timestamp.now() }

    /// Past runs, newest first.
    public static func runs(_ warehouse: any SQLDatabase, limit: Int = 30) async throws -> [SQLRow] {
        try await Migrator.migrate(warehouse, WarehouseSchema.migrations)
        return try await warehouse.read { connection in
            try await connection.query("SELECT * FROM etl_run ORDER BY started_at DESC LIMIT \(limit)")
        }
    }
}

/// The report of the run in progress, readable when a step fails or the run times out.
final class ReportBox: Sendable {
    private let state: Mutex<EtlRunReport>
    private let lap = Mutex(ContinuousClock.now)
    init(_ report: EtlRunReport) { state = Mutex(report) }
    var value: EtlRunReport { state.withLock { $0 } }
    func update(_ change: (inout EtlRunReport) -> Void) { state.withLock { change(&$0) } }

    /// Records a step that ran beside the others, with its own duration.
    func record(_ name: String, seconds elapsed: Duration, rows: Int) {
        update { $0.steps.append(.init(name: name, seconds: Double(elapsed.components.seconds)
                                       + Double(elapsed.components.attoseconds) / 1e18, rows: rows)) }
    }

    /// Records a step that ended now (its time since the last one) and tells the terminal.
    func stepTimer(progress: @Sendable @escaping (String) -> Void) -> @Sendable (String, Int) -> Void {
        lap.withLock { $0 = ContinuousClock.now }
        return { name, rows in
            let elapsed = self.lap.withLock { start in
                defer { start = ContinuousClock.now }
                return ContinuousClock.now - start
            }
            self.update { $0.steps.append(.init(name: name, seconds: Double(elapsed.components.seconds)
                                                + Double(elapsed.components.attoseconds) / 1e18, rows: rows)) }
            progress("\(name): \(rows) rows")
        }
    }
}
