import RemitCore
import RemitSQL
import RemitStore

/// A row the quality rules kept out of the warehouse, and why. It is written to the lake's quarantine (kept even
/// when the run fails) and, when the run publishes, to `etl_quarantine`.
public struct QuarantinedRow: Sendable, Equatable {
    public var table: String
    public var key: String
    public var lsn: Int64
    public var reason: String
    /// The change-capture row of the rejected image.
    public var changeID: Int64
    /// The rejected image, read back from the change capture by `withImages(from:)` (a run does not hold images).
    public var rowData: String = ""
}

extension [QuarantinedRow] {
    /// The rows with their images, read back from the store's change capture.
    public func withImages(from store: any SQLDatabase) async throws -> [QuarantinedRow] {
        guard !isEmpty else { return self }
        let images = try await ChangeFeed(database: store).images(changeIDs: map(\.changeID))
        return map { row in
            var row = row
            row.rowData = images[row.changeID] ?? ""
            return row
        }
    }
}

/// The transform's first two steps (the seed's "data quality checks" and "business rules validation"), judged on
/// the extracted rows before anything is staged or loaded:
/// - data quality: a required column null or of the wrong type (found while parsing), two rows with one `id`;
/// - business rules: amount > 0, a known currency, refunds of a charge ≤ its amount, a dispute ≤ its charge,
///   and a refund or dispute whose charge is quarantined or unknown goes with it.
/// Rejected rows are quarantined with their reason; the run fails when more than `maximumRate` of the rows are.
public struct QualityRules: Sendable {
    /// What the warehouse already holds about the charges that this run's refunds and disputes point at.
    public struct KnownCharges: Sendable {
        /// Charge id → (amount, currency) of charges loaded by earlier runs.
        public var charges: [String: (amount: Int64, currency: String)] = [:]
        /// Charge id → the sum of its refunds loaded by earlier runs, not counting refunds this run reloads.
        public var refunded: [String: Int64] = [:]

        public init() {}
    }

    public struct Outcome: Sendable {
        public var accepted: [String: StagedRows]
        public var quarantined: [QuarantinedRow]
        /// Rows judged (every extracted row).
        public var judged: Int
        public var rate: Double { judged == 0 ? 0 : Double(quarantined.count) / Double(judged) }
    }

    /// The share of rows that may be quarantined before the run fails (default 1 %).
    public var maximumRate: Double

    public init(maximumRate: Double = 0.01) {
        precondition(maximumRate >= 0 && maximumRate <= 1)
        self.maximumRate = maximumRate
    }

    /// The charges the run's refunds and disputes point at that the run itself does not carry.
    public static func chargesToLookUp(_ tables: [String: StagedRows]) -> Set<String> {
        let inRun = Set(tables["payment"]?.changes.map(\.key) ?? [])
        var wanted = Set<String>()
        for name in ["refund", "dispute"] {
            guard let rows = tables[name] else { continue }
            for charge in rows.text("charge_id") { if let charge, !inRun.contains(charge) { wanted.insert(charge) } }
        }
        return wanted
    }

    public func judge(_ tables: [String: StagedRows], known: KnownCharges) -> Outcome {
        var reasons: [String: [Int: String]] = [:]
        var judged = 0
        for (name, rows) in tables {
            judged += rows.count
            var table = rows.problems
            Self.duplicateIDs(rows, into: &table)
            Self.amountsAndCurrencies(rows, into: &table)
            reasons[name] = table
        }
        // Charges: their own amounts, then what their refunds and disputes may add up to.
        var charges = known.charges
        var refundedSoFar = known.refunded
        if let payments = tables["payment"] {
            let (amount, currency, refunded) = (payments.integer("amount"), payments.text("currency"),
                                                payments.integer("amount_refunded"))
            for row in payments.changes.indices where reasons["payment"]?[row] == nil {
                if let amount = amount[row], let refunded = refunded[row], refunded > amount {
                    reasons["payment", default: [:]][row] = "amount_refunded \(refunded) exceeds the amount \(amount)"
                    continue
                }
                charges[payments.changes[row].key] = (amount[row] ?? 0, currency[row] ?? "")
            }
            for row in payments.changes.indices where reasons["payment"]?[row] != nil {
                charges[payments.changes[row].key] = nil
            }
        }
        if let refunds = tables["refund"] {
            let (charge, amount, status) = (refunds.text("charge_id"), refunds.integer("amount"), refunds.text("status"))
            let created = refunds.integer("created")
            for row in refunds.changes.indices.sorted(by: { (created[$0] ?? 0, $0) < (created[$1] ?? 0, $1) })
            where reasons["refund"]?[row] == nil && refunds.changes[row].kind == .upsert {
                guard let id = charge[row], let target = charges[id] else {
                    reasons["refund", default: [:]][row] = "its charge \(charge[row] ?? "?") is quarantined or not in the warehouse"
                    continue
                }
                guard status[row] != "failed" && status[row] != "canceled" else { continue }
                let total = (refundedSoFar[id] ?? 0) + (amount[row] ?? 0)
                if total > target.amount {
                    reasons["refund", default: [:]][row] = "refunds of \(id) add up to \(total), over its amount \(target.amount)"
                    continue
                }
                refundedSoFar[id] = total
            }
        }
        if let disputes = tables["dispute"] {
            let (charge, amount) = (disputes.text("charge_id"), disputes.integer("amount"))
            for row in disputes.changes.indices where reasons["dispute"]?[row] == nil && disputes.changes[row].kind == .upsert {
                guard let id = charge[row], let target = charges[id] else {
                    reasons["dispute", default: [:]][row] = "its charge \(charge[row] ?? "?") is quarantined or not in the warehouse"
                    continue
                }
                if let amount = amount[row], amount > target.amount {
                    reasons["dispute", default: [:]][row] = "the dispute's amount \(amount) exceeds its charge's \(target.amount)"
                }
            }
        }
        var accepted: [String: StagedRows] = [:]
        var quarantined: [QuarantinedRow] = []
        for (name, rows) in tables {
            let rejected = reasons[name] ?? [:]
            accepted[name] = rejected.isEmpty ? rows : rows.subset(rows.changes.indices.filter { rejected[$0] == nil })
            for (row, reason) in rejected.sorted(by: { $0.key < $1.key }) {
                let change = rows.changes[row]
                quarantined.append(QuarantinedRow(table: name, key: change.key, lsn: change.lsn, reason: reason,
                                                  changeID: change.changeID))
            }
        }
        quarantined.sort { ($0.table, $0.key) < ($1.table, $1.key) }
        return Outcome(accepted: accepted, quarantined: quarantined, judged: judged)
    }

    /// Two rows of one table with the same `id` (the business key must be unique before SCD2 and the fact upserts):
    /// both are rejected, since neither can be told right.
    ///
    /// Rows are one net change per row key, so ids that all equal their row's key are unique: that comparison is
    /// made first, and only a table where some id differs from its key is hashed.
    static func duplicateIDs(_ rows: StagedRows, into reasons: inout [Int: String]) {
        let column = rows.textColumn("id")
        guard rows.changes.indices.contains(where: { column.isPresent($0) && !column.equals($0, rows.changes[$0].key) })
        else { return }
        let ids = column.strings
        var first: [String: Int] = [:]
        first.reserveCapacity(ids.count)
        for (row, id) in ids.enumerated() {
            guard let id else { continue }
            if let earlier = first[id] {
                reasons[row] = reasons[row] ?? "duplicate id \(id)"
                reasons[earlier] = reasons[earlier] ?? "duplicate id \(id)"
            } else {
                first[id] = row
            }
        }
    }

    /// Amounts must be positive where the table has a charge-like amount, and currencies known to Remit.
    static func amountsAndCurrencies(_ rows: StagedRows, into reasons: inout [Int: String]) {
        let currencyColumn = rows.table.name == "merchant" ? "default_currency" : "currency"
        guard rows.table.columns.contains(where: { $0.name == currencyColumn }) else { return }
        let currencies = rows.text(currencyColumn)
        let amounts: [Int64?]? = ["payment", "refund", "dispute"].contains(rows.table.name) ? rows.integer("amount") : nil
        for row in rows.changes.indices where reasons[row] == nil && rows.changes[row].kind == .upsert {
            if let code = currencies[row], Currency(code) == nil {
                reasons[row] = "unknown currency \(code)"
            } else if let amounts, let amount = amounts[row], amount <= 0 {
                reasons[row] = "amount \(amount) is not positive"
            }
        }
    }
}
