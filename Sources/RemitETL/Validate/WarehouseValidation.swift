import RemitCore
import Foundation
import RemitSQL

/// The checks that decide whether a run publishes, run inside the warehouse transaction after the load (they see
/// its uncommitted rows; research data.md §4): every amount converted, the quarantine under its limit, row counts
/// and amount sums reconciled with the OLTP store and the extraction, referential integrity of every fact key,
/// revenue ≥ 0, freshness, and no overlapping SCD2 versions.
///
/// A run in slices checks each slice right after loading it (``sliceChecks(on:keys:)``: its amounts, its counts and
/// sums against the OLTP store, its keys), while the slice's facts still carry LSNs of its range; and the whole run
/// once, before publishing (``runChecks(_:maximumQuarantineRate:logicalDate:on:)``).
struct WarehouseValidation: Sendable {
    let transform: WarehouseTransform
    /// The slice's LSN range: the facts it loads carry LSNs in it.
    let range: (after: Int64, through: Int64)
    /// What the OLTP store holds for the slice's payments, per currency (``oltpCountsAndSums(of:in:)``, read beside
    /// the load).
    let oltp: [String: (count: Int64, sum: Int64)]

    func sliceChecks(on connection: any SQLConnection, keys: WarehouseTransform.FactKeys) async throws -> [EtlRunReport.Check] {
        var checks: [EtlRunReport.Check] = []
        let missing = transform.missingRates
        checks.append(.init(name: "fx_rates", passed: missing.isEmpty,
                            detail: missing.isEmpty ? "every amount converted to USD"
                                : "no rate for \(missing.count) amounts, e.g. \(missing.prefix(3).joined(separator: "; "))"))
        checks += try await reconciliation(on: connection)
        checks.append(try await integrity(keys, on: connection))
        return checks
    }

    /// What the run-wide checks need, gathered slice by slice.
    struct RunTotals: Sendable {
        var judged = 0
        var quarantined = 0
        /// The first few quarantined rows, for the check's detail.
        var samples: [QuarantinedRow] = []
        var newestPayment: Int64?
        /// The business keys whose SCD2 versions the run wrote, per staged dimension table (`scd2_ranges` checks
        /// these: a key the run did not touch was checked by the run that last did).
        var dimensionKeys: [String: Set<String>] = [:]

        mutating func add(_ quality: QualityRules.Outcome, newestPayment newest: Int64?) {
            judged += quality.judged
            quarantined += quality.quarantined.count
            samples += quality.quarantined.prefix(max(0, 3 - samples.count))
            if let newest { newestPayment = max(newestPayment ?? newest, newest) }
            for (table, _, _) in Self.dimensions {
                guard let rows = quality.accepted[table], !rows.changes.isEmpty else { continue }
                dimensionKeys[table, default: []].formUnion(rows.changes.lazy.map(\.key))
            }
        }

        /// The SCD2 dimensions: staged table, warehouse table, business key and surrogate key columns.
        static let dimensions = [("customer", "dim_customer", "customer_id", "customer_sk"),
                                 ("merchant", "dim_merchant", "merchant_id", "merchant_sk"),
                                 ("subscription", "dim_subscription", "subscription_id", "subscription_sk")]
            .map { (staged: $0.0, table: $0.1, columns: (key: $0.2, surrogate: $0.3)) }
    }

    /// The checks of the whole run, once every slice is loaded.
    static func runChecks(_ totals: RunTotals, maximumQuarantineRate: Double, logicalDate: String,
                          on connection: any SQLConnection) async throws -> [EtlRunReport.Check] {
        var checks: [EtlRunReport.Check] = []
        let rate = totals.judged == 0 ? 0 : Double(totals.quarantined) / Double(totals.judged)
        checks.append(.init(
            name: "quarantine_rate", passed: rate <= maximumQuarantineRate,
            detail: String(format: "%d of %d rows quarantined (%.3f %%, limit %.3f %%)", totals.quarantined,
                           totals.judged, rate * 100, maximumQuarantineRate * 100)
                + (totals.samples.isEmpty ? "" : ", e.g. " + totals.samples
                    .map { "\($0.table) \($0.key): \($0.reason)" }.joined(separator: "; "))))
        let negative = try await connection.queryFirst("SELECT count(*) AS n FROM agg_merchant_daily WHERE gross < 0")?.int("n") ?? 0
        checks.append(.init(name: "revenue_non_negative", passed: negative == 0, detail: "\(negative) negative daily gross"))
        if let newest = totals.newestPayment {
            let start = (Timestamp.days(fromISODate: logicalDate) ?? 0) * 86_400_000_000
            checks.append(.init(name: "freshness", passed: newest >= start - 86_400_000_000,
                                detail: "newest payment \(WarehouseTransform.day(ofMicroseconds: newest).iso), "
                                    + "logical date \(logicalDate)"))
        }
        checks.append(try await ranges(of: totals.dimensionKeys, on: connection))
        return checks
    }

    /// Counts and sums per currency of the run's payments, three ways: what the extraction accepted, what the
    /// warehouse now holds for those ids, and what the OLTP store holds for them; and the other facts' counts.
    /// Two checks: `row_count` and `amount_sums`.
    func reconciliation(on connection: any SQLConnection) async throws -> [EtlRunReport.Check] {
        var extracted: [String: (count: Int64, sum: Int64)] = [:]
        for payment in transform.payments {
            extracted[payment.currency, default: (0, 0)].count += 1
            extracted[payment.currency, default: (0, 0)].sum += payment.amount
        }
        // The warehouse side by the run's LSN range (the facts it wrote carry it; earlier runs' lie below it),
        // an index range scan that costs what the run loaded.
        var loaded: [String: (count: Int64, sum: Int64)] = [:]
        for row in try await connection.query("""
            SELECT currency, count(*) AS n, SUM(amount) AS total FROM fact_payment
            WHERE lsn > \(range.after) AND lsn <= \(range.through) GROUP BY currency
            """) {
            loaded[row.string("currency")] = (row.int("n"), row.int("total"))
        }
        var counts: [String] = []
        var sums: [String] = []
        func compare(_ name: String, _ other: [String: (count: Int64, sum: Int64)]) {
            for currency in Set(extracted.keys).union(other.keys).sorted() {
                let (a, b) = (extracted[currency] ?? (0, 0), other[currency] ?? (0, 0))
                if a.count != b.count { counts.append("\(currency) payments: \(a.count) extracted, \(b.count) in \(name)") }
                if a.sum != b.sum { sums.append("\(currency): \(a.sum) extracted, \(b.sum) in \(name)") }
            }
        }
        compare("the warehouse", loaded)
        compare("the OLTP store", oltp)
        let facts = [("fact_refund", "refund_id", transform.refunds.map(\.id)),
                     ("fact_dispute", "dispute_id", transform.disputes.map(\.id)),
                     ("fact_balance_transaction", "balance_transaction_id", transform.movements.map(\.id))]
        for (table, _, expected) in facts {
            let found = try await connection.queryFirst("""
                SELECT count(*) AS n FROM \(raw: table) WHERE lsn > \(range.after) AND lsn <= \(range.through)
                """)?.int("n") ?? 0
            if found != expected.count { counts.append("\(table): \(expected.count) extracted, \(found) loaded") }
        }
        let extractedCount = extracted.values.reduce(0) { $0 + $1.count }
        return [
            .init(name: "row_count", passed: counts.isEmpty,
                  detail: counts.isEmpty
                    ? "\(extractedCount) payments, \(transform.refunds.count) refunds, \(transform.disputes.count) disputes, "
                        + "\(transform.movements.count) balance transactions: extraction, warehouse and OLTP agree"
                    : counts.prefix(5).joined(separator: "; ")),
            .init(name: "amount_sums", passed: sums.isEmpty,
                  detail: sums.isEmpty
                    ? extracted.keys.sorted().map { "\($0) \(extracted[$0]!.sum)" }.joined(separator: ", ")
                    : sums.prefix(5).joined(separator: "; ")),
        ]
    }

    /// Counts and sums per currency of the charges `ids` in the OLTP store. A slice's payments are read while the
    /// slice loads, on a thread of its own (10M payments: 181 slices of random reads in a 10M-row table).
    static func oltpCountsAndSums(of ids: [String], in store: any SQLDatabase) async throws
        -> [String: (count: Int64, sum: Int64)]
    {
        try await store.read { source in
            var result: [String: (count: Int64, sum: Int64)] = [:]
            for chunk in stride(from: 0, to: ids.count, by: 500) {
                let slice = ids[chunk..<min(chunk + 500, ids.count)]
                for row in try await source.query("""
                    SELECT currency, count(*) AS n, SUM(amount) AS total FROM charges
                    WHERE id IN (\(sql: SQL.join(slice.map { "\($0)" }, separator: ", "))) GROUP BY currency
                    """) {
                    result[row.string("currency"), default: (0, 0)].count += row.int("n")
                    result[row.string("currency"), default: (0, 0)].sum += row.int("total")
                }
            }
            return result
        }
    }

    /// Every dimension key this run's facts point at has its row (the unknown member `-1` is a row): checked on the
    /// distinct keys, so the check costs what the run loaded, not what the warehouse holds.
    func integrity(_ keys: WarehouseTransform.FactKeys, on connection: any SQLConnection) async throws -> EtlRunReport.Check {
        var missing: [String] = []
        for (table, column, wanted) in [("dim_merchant", "merchant_sk", keys.merchants),
                                        ("dim_customer", "customer_sk", keys.customers),
                                        ("dim_date", "date_key", keys.dates)] {
            let sorted = wanted.sorted()
            var found = Set<Int64>()
            for chunk in stride(from: 0, to: sorted.count, by: 500) {
                let list = SQL.join(sorted[chunk..<min(chunk + 500, sorted.count)].map { "\($0)" }, separator: ", ")
                for row in try await connection.query("SELECT \(raw: column) AS k FROM \(raw: table) WHERE \(raw: column) IN (\(sql: list))") {
                    found.insert(row.int("k"))
                }
            }
            missing += wanted.subtracting(found).sorted().map { "\(table).\(column) \($0)" }
        }
        let total = keys.merchants.count + keys.customers.count + keys.dates.count
        return .init(name: "referential_integrity", passed: missing.isEmpty,
                     detail: missing.isEmpty ? "the \(total) dimension keys of the run's facts all exist"
                        : "\(missing.count) fact keys without a dimension row, e.g. " + missing.prefix(5).joined(separator: ", "))
    }

    /// No two versions of one key overlap (half-open ranges; the unknown member aside), for the keys the run wrote:
    /// ordered by `valid_from`, no version may begin before an earlier one ends. One pass over each key's versions
    /// in the `(key, valid_from)` index, in lists of 500 keys: the check costs what the run loaded, not what the
    /// dimension holds (inside the run's transaction, comparing every pair of versions of every key took 43 s at 10M
    /// payments).
    static func ranges(of keys: [String: Set<String>], on connection: any SQLConnection) async throws -> EtlRunReport.Check {
        var overlapping: [String] = []
        for (staged, table, columns) in RunTotals.dimensions {
            let sorted = (keys[staged] ?? []).sorted()
            for chunk in stride(from: 0, to: sorted.count, by: 500) {
                let list = SQL.join(sorted[chunk..<min(chunk + 500, sorted.count)].map { "\($0)" }, separator: ", ")
                for row in try await connection.query("""
                    SELECT DISTINCT key FROM (
                      SELECT \(raw: columns.key) AS key, valid_from, MAX(COALESCE(valid_to, 9223372036854775807)) OVER (
                        PARTITION BY \(raw: columns.key) ORDER BY valid_from, \(raw: columns.surrogate)
                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_end
                      FROM \(raw: table) WHERE \(raw: columns.key) IN (\(sql: list)) AND \(raw: columns.surrogate) <> -1
                    ) AS versions WHERE earlier_end > valid_from
                    """) {
                    overlapping.append("\(table) \(row.string("key"))")
                }
            }
        }
        let checked = RunTotals.dimensions.reduce(0) { $0 + (keys[$1.staged]?.count ?? 0) }
        return .init(name: "scd2_ranges", passed: overlapping.isEmpty,
                     detail: overlapping.isEmpty ? "0 overlapping versions (\(checked) keys written by the run)"
                        : "\(overlapping.count) keys with overlapping versions, e.g. "
                            + overlapping.prefix(5).joined(separator: ", "))
    }
}
