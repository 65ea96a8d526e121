import RemitSQL

/// The load of one run inside the warehouse transaction: SCD2 close-outs and new versions of the dimensions,
/// `dim_date`, upserts of the facts keyed on the OLTP ids (each with the dimension version valid at its time, `-1`
/// when none), the quarantined rows, and what the facts change in the daily aggregates (``AggregateDeltas``, added
/// once after a run's last slice). Re-running a range writes the same rows again: nothing changes.
extension WarehouseTransform {
    /// Rows per multi-row `INSERT`: fewer statements, well under both engines' bind limits.
    static let rowsPerInsert = 100

    /// The dimension keys the run's facts point at, for the referential-integrity check.
    struct FactKeys: Sendable {
        var merchants = Set<Int64>()
        var customers = Set<Int64>()
        var dates = Set<Int64>()
    }

    /// Loads the dimensions, the dates, the facts and the quarantined rows, timing each part with `step`; returns the
    /// keys its facts point at and what they change in the daily aggregates (added by the run after its last slice).
    func load(on connection: any SQLConnection, runID: String, quarantined: [QuarantinedRow],
              step: (String, Int) -> Void = { _, _ in }) async throws -> (keys: FactKeys, aggregates: AggregateDeltas) {
        var dimensionRows = 0
        dimensionRows += try await loadDimension("dim_merchant", key: "merchant_id", sk: "merchant_sk",
                                                 columns: Self.merchantAttributes, source: merchants, on: connection)
        dimensionRows += try await loadDimension("dim_customer", key: "customer_id", sk: "customer_sk",
                                                 columns: Self.customerAttributes, source: customers, on: connection)
        dimensionRows += try await loadDimension("dim_subscription", key: "subscription_id", sk: "subscription_sk",
                                                 columns: Self.subscriptionAttributes, source: subscriptions, on: connection)
        try await loadDates(on: connection)
        step("load dimensions", dimensionRows)
        var aggregates = AggregateDeltas()
        let keys = try await loadFacts(on: connection, aggregates: &aggregates)
        try await Self.insert(into: "etl_quarantine",
                              ["run_id", "table_name", "row_key", "lsn", "reason", "row_data"],
                              quarantined.map { ["\(runID)", "\($0.table)", "\($0.key)", "\($0.lsn)", "\($0.reason)", "\($0.rowData)"] },
                              conflict: "ON CONFLICT (run_id, table_name, row_key) DO NOTHING", on: connection)
        step("load facts", payments.count + refunds.count + disputes.count + movements.count + quarantined.count)
        return (keys, aggregates)
    }

    func loadDates(on connection: any SQLConnection) async throws {
        var keys = Set<Int>()
        var rows: [[SQL]] = []
        for time in payments.map(\.created) + refunds.map(\.created) + disputes.map(\.created) + movements.map(\.created) {
            let date = Self.day(ofMicroseconds: time)
            guard keys.insert(date.key).inserted else { continue }
            rows.append(["\(Int64(date.key))", "\(date.iso)", "\(Int64(date.year))", "\(Int64(date.month))",
                         "\(Int64(date.day))", "\(Int64(date.weekday))"])
        }
        try await Self.insert(into: "dim_date", ["date_key", "date", "year", "month", "day", "weekday"], rows,
                              conflict: "ON CONFLICT (date_key) DO NOTHING", on: connection)
    }

    func loadFacts(on connection: any SQLConnection, aggregates: inout AggregateDeltas) async throws -> FactKeys {
        let merchantKeys = Set(payments.map(\.merchant) + refunds.map(\.merchant) + disputes.map(\.merchant)
                               + movements.map(\.merchant))
        let merchantVersions = try await DimensionVersions.load("dim_merchant", key: "merchant_id", sk: "merchant_sk",
                                                                keys: merchantKeys, on: connection)
        let customerVersions = try await DimensionVersions.load("dim_customer", key: "customer_id", sk: "customer_sk",
                                                                keys: Set(payments.compactMap(\.customer)), on: connection)
        // The facts this slice replaces leave the aggregates first (the ones created in its range are not there yet);
        // each fact adds its contribution as it is bound below.
        try await aggregates.subtractLoaded(.payment, ids: payments.filter { !$0.firstLoad }.map(\.id), on: connection)
        try await aggregates.subtractLoaded(.refund, ids: refunds.filter { !$0.firstLoad }.map(\.id), on: connection)
        try await aggregates.subtractLoaded(.dispute, ids: disputes.filter { !$0.firstLoad }.map(\.id), on: connection)
        let heldMovements = try await Self.existing("fact_balance_transaction", key: "balance_transaction_id",
                                                    ids: movements.filter { !$0.firstLoad }.map(\.id), on: connection)
        var keys = FactKeys()
        keys.dates = Set((payments.map(\.dateKey) + refunds.map(\.dateKey) + disputes.map(\.dateKey)
                          + movements.map(\.dateKey)).map(Int64.init))
        /// The surrogate key of the merchant version valid at `time` (recorded for the integrity check), and the
        /// merchant id the aggregates file the fact under: the version's, or the unknown member's.
        func merchant(_ id: String, _ time: Int64) -> (key: Int64, id: String) {
            let key = merchantVersions.surrogateKey(of: id, at: time)
            keys.merchants.insert(key)
            return (key, key == SlowlyChangingDimension.unknownSurrogateKey ? SlowlyChangingDimension.unknownBusinessKey : id)
        }
        func customer(_ id: String?, _ time: Int64) -> SQLValue {
            let key = customerVersions.surrogateKey(of: id, at: time)
            keys.customers.insert(key)
            return .integer(key)
        }
        try await Self.insertValues(into: "fact_payment", [
            "payment_id", "merchant_sk", "customer_sk", "date_key", "created", "amount", "currency", "amount_usd",
            "amount_usd_cents", "amount_refunded", "status", "captured", "disputed", "lsn", "outcome_type", "risk_level",
            "risk_score", "payment_intent_id", "three_d_secure",
        ], count: payments.count, casts: [7: "DECIMAL(18,2)"], conflict: Self.upsert("payment_id", [
            "merchant_sk", "customer_sk", "date_key", "created", "amount", "currency", "amount_usd", "amount_usd_cents",
            "amount_refunded", "status", "captured", "disputed", "lsn", "outcome_type", "risk_level", "risk_score",
            "payment_intent_id", "three_d_secure",
        ]), on: connection) { index in
            let payment = payments[index]
            let cents = payment.usdCents ?? 0
            let merchant = merchant(payment.merchant, payment.created)
            aggregates.payment(merchantID: merchant.id, dateKey: payment.dateKey, currency: payment.currency,
                               status: payment.status, amount: payment.amount, usdCents: cents,
                               outcomeType: payment.outcomeType, riskScore: payment.riskScore,
                               viaIntent: payment.paymentIntent != nil, authenticated: payment.threeDSecure == "authenticated",
                               sign: 1)
            return [.text(payment.id), .integer(merchant.key), customer(payment.customer, payment.created),
                    .integer(Int64(payment.dateKey)), .integer(payment.created), .integer(payment.amount),
                    .text(payment.currency), .text(Self.decimalText(cents)), .integer(cents), .integer(payment.refunded),
                    .text(payment.status), payment.captured.sqlValue, payment.disputed.sqlValue, .integer(payment.lsn),
                    .text(payment.outcomeType), .text(payment.riskLevel), .integer(payment.riskScore),
                    payment.paymentIntent.map(SQLValue.text) ?? .null, payment.threeDSecure.map(SQLValue.text) ?? .null]
        }
        try await Self.insertValues(into: "fact_refund", [
            "refund_id", "payment_id", "merchant_sk", "date_key", "created", "amount", "currency", "amount_usd_cents",
            "status", "lsn",
        ], count: refunds.count, conflict: Self.upsert("refund_id", ["status", "amount", "amount_usd_cents", "lsn"]),
           on: connection) { index in
            let refund = refunds[index]
            let merchant = merchant(refund.merchant, refund.created)
            aggregates.refund(merchantID: merchant.id, dateKey: refund.dateKey, currency: refund.currency,
                              status: refund.status, amount: refund.amount, usdCents: refund.usdCents ?? 0, sign: 1)
            return [.text(refund.id), .text(refund.payment), .integer(merchant.key),
                    .integer(Int64(refund.dateKey)), .integer(refund.created), .integer(refund.amount),
                    .text(refund.currency), .integer(refund.usdCents ?? 0), .text(refund.status), .integer(refund.lsn)]
        }
        try await Self.insertValues(into: "fact_dispute", [
            "dispute_id", "payment_id", "merchant_sk", "date_key", "created", "amount", "currency", "amount_usd",
            "amount_usd_cents", "reason", "status", "lsn",
        ], count: disputes.count, casts: [7: "DECIMAL(18,2)"],
           conflict: Self.upsert("dispute_id", ["status", "reason", "amount", "amount_usd", "amount_usd_cents", "lsn"]),
           on: connection) { index in
            let dispute = disputes[index]
            let cents = dispute.usdCents ?? 0
            let merchant = merchant(dispute.merchant, dispute.created)
            aggregates.dispute(merchantID: merchant.id, dateKey: dispute.dateKey, currency: dispute.currency,
                               amount: dispute.amount, usdCents: cents, sign: 1)
            return [.text(dispute.id), .text(dispute.payment), .integer(merchant.key),
                    .integer(Int64(dispute.dateKey)), .integer(dispute.created), .integer(dispute.amount),
                    .text(dispute.currency), .text(Self.decimalText(cents)), .integer(cents), .text(dispute.reason),
                    .text(dispute.status), .integer(dispute.lsn)]
        }
        try await Self.insertValues(into: "fact_balance_transaction", [
            "balance_transaction_id", "merchant_sk", "date_key", "created", "type", "reporting_category", "amount", "fee",
            "net", "currency", "amount_usd_cents", "fee_usd_cents", "net_usd_cents", "source_id", "lsn",
        ], count: movements.count, conflict: Self.upsert("balance_transaction_id", ["lsn"]), on: connection) { index in
            let movement = movements[index]
            let merchant = merchant(movement.merchant, movement.created)
            // A movement's upsert keeps the row the warehouse holds: only one it does not hold adds its fee.
            if !heldMovements.contains(movement.id) {
                aggregates.movement(merchantID: merchant.id, dateKey: movement.dateKey, currency: movement.currency,
                                    fee: movement.fee, feeUSD: movement.feeUSD ?? 0, sign: 1)
            }
            return [.text(movement.id), .integer(merchant.key), .integer(Int64(movement.dateKey)),
                    .integer(movement.created), .text(movement.type), .text(movement.category), .integer(movement.amount),
                    .integer(movement.fee), .integer(movement.net), .text(movement.currency),
                    .integer(movement.amountUSD ?? 0), .integer(movement.feeUSD ?? 0), .integer(movement.netUSD ?? 0),
                    .text(movement.source), .integer(movement.lsn)]
        }
        return keys
    }

    /// SCD2 for one dimension; returns how many rows it wrote.
    func loadDimension(_ table: String, key: String, sk: String, columns: [String], source: [DimensionSourceRow],
                       on connection: any SQLConnection) async throws -> Int {
        guard !source.isEmpty else { return 0 }
        var current: [String: DimensionVersion] = [:]
        for chunk in stride(from: 0, to: source.count, by: 500) {
            let keys = source[chunk..<min(chunk + 500, source.count)].map(\.businessKey)
            let rows = try await connection.query("""
                SELECT * FROM \(raw: table) WHERE valid_to IS NULL AND \(raw: key) IN (\(sql: SQL.join(keys.map { "\($0)" }, separator: ", ")))
                """)
            for row in rows {
                var attributes: [String: String?] = [:]
                for column in columns { attributes[column] = row.optionalString(column) }
                current[row.string(key)] = DimensionVersion(
                    surrogateKey: row.int(sk), businessKey: row.string(key), attributes: attributes,
                    validFrom: row.int("valid_from"), validTo: nil, isDeleted: row.bool("is_deleted"),
                    scdID: row.string("scd_id"), rowHash: row.string("row_hash"))
            }
        }
        let plan = try SlowlyChangingDimension.plan(current: current, source: source)
        for closeOut in plan.closeOuts {
            try await connection.execute("""
                UPDATE \(raw: table) SET valid_to = \(closeOut.validTo), is_current = 0
                WHERE scd_id = \(closeOut.scdID) AND valid_to IS NULL
                """)
        }
        try await Self.insert(
            into: table, [sk, key] + columns + ["valid_from", "valid_to", "is_current", "is_deleted", "scd_id", "row_hash"],
            plan.inserts.map { version in
                ["\(version.surrogateKey)", "\(version.businessKey)"] + columns.map { "\(version.attributes[$0] ?? nil)" }
                    + ["\(version.validFrom)", "NULL", "1", "\(version.isDeleted)", "\(version.scdID)", "\(version.rowHash)"]
            }, conflict: "ON CONFLICT (scd_id) DO NOTHING", on: connection)
        return plan.closeOuts.count + plan.inserts.count
    }

    /// Which of `ids` the warehouse's `table` holds (by its key column `key`).
    static func existing(_ table: String, key: String, ids: [String], on connection: any SQLConnection) async throws
        -> Set<String>
    {
        var found = Set<String>()
        for chunk in stride(from: 0, to: ids.count, by: 500) {
            let list = SQL.join(ids[chunk..<min(chunk + 500, ids.count)].map { "\($0)" }, separator: ", ")
            for row in try await connection.query("SELECT \(raw: key) AS k FROM \(raw: table) WHERE \(raw: key) IN (\(sql: list))") {
                found.insert(row.string("k"))
            }
        }
        return found
    }

    /// Multi-row `INSERT … VALUES (…), (…) <conflict>`, `rowsPerInsert` rows a statement.
    static func insert(into table: String, _ columns: [String], _ rows: [[SQL]], conflict: SQL,
                       on connection: any SQLConnection) async throws {
        var start = 0
        while start < rows.count {
            try Task.checkCancellation()
            let chunk = rows[start..<min(start + rowsPerInsert, rows.count)]
            let values = SQL.rows(chunk)
            try await connection.execute("""
                INSERT INTO \(raw: table) (\(raw: columns.joined(separator: ", "))) VALUES \(sql: values) \(sql: conflict)
                """)
            start += rowsPerInsert
        }
    }

    /// Like ``insert(into:_:_:conflict:on:)`` for rows of plain values (no SQL fragments), through the connection's
    /// bulk load (``SQLConnection/insertRows(into:columns:casts:conflict:count:row:)``): `row(i)` makes row `i` of
    /// `count` as it is sent, so a run never holds its facts' values all at once. `casts` binds some columns as
    /// `CAST(? AS type)`.
    /// Never inlined: inlined into `AggregateDeltas.apply(on:)`, Swift 6.3's LLVM coroutine splitting crashed on
    /// the typed-throwing call (release builds, signal 11 in `emitSetAndGetSwiftErrorValueAround`).
    @inline(never)
    static func insertValues(into table: String, _ columns: [String], count: Int, casts: [Int: String] = [:],
                             conflict: SQL, on connection: any SQLConnection,
                             row: (Int) -> [SQLValue]) async throws {
        try Task.checkCancellation()
        try await connection.insertRows(into: table, columns: columns, casts: casts, conflict: conflict, count: count,
                                        row: row)
    }

    /// `ON CONFLICT (key) DO UPDATE SET c = excluded.c, …`.
    static func upsert(_ key: String, _ columns: [String]) -> SQL {
        "ON CONFLICT (\(raw: key)) DO UPDATE SET \(raw: columns.map { "\($0) = excluded.\($0)" }.joined(separator: ", "))"
    }

    /// US cents as `DECIMAL(18,2)` text, exact (never through a floating-point number); bound with a cast.
    static func decimalText(_ cents: Int64) -> String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let minor = String(magnitude % 100)
        return "\(sign)\(magnitude / 100).\(minor.count == 1 ? "0" + minor : minor)"
    }
}
