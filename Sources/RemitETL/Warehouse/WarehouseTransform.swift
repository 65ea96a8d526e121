import Foundation
import RemitCore
import RemitSQL

/// The transform and load of one run: dimension rows for SCD2, facts with their USD amounts, the dates they
/// fall on, and the checks that decide whether the run publishes.
struct WarehouseTransform: Sendable {
    struct Payment: Sendable {
        var id: String, merchant: String, customer: String?, created: Int64, dateKey: Int
        var amount: Int64, currency: String, usdCents: Int64?, refunded: Int64, status: String
        var captured: Bool, disputed: Bool, lsn: Int64
    }

    struct Refund: Sendable {
        var id: String, payment: String, merchant: String, created: Int64, dateKey: Int
        var amount: Int64, currency: String, usdCents: Int64?, status: String, lsn: Int64
    }

    var merchants: [DimensionSourceRow] = []
    var customers: [DimensionSourceRow] = []
    var payments: [Payment] = []
    var refunds: [Refund] = []
    var missingRates: [String] = []
    let logicalDate: String

    init(tables: [String: [NetChange]], converter: CurrencyConverter, logicalDate: String) throws {
        self.logicalDate = logicalDate
        for change in tables["merchant"] ?? [] {
            let row = try Self.image(change)
            merchants.append(DimensionSourceRow(
                businessKey: change.key,
                attributes: ["type": row.text("type"), "country": row.text("country"),
                             "default_currency": row.text("default_currency"), "email": row.text("email")],
                updatedAt: Self.wholeSecond(change.changedAt), deleted: change.kind == .delete,
                createdAt: row.int("created") * 1_000_000))
        }
        for change in tables["customer"] ?? [] {
            let row = try Self.image(change)
            customers.append(DimensionSourceRow(
                businessKey: change.key,
                attributes: ["merchant_id": row.text("account_id"), "email": row.text("email"), "name": row.text("name"),
                             "description": row.text("description"), "phone": row.text("phone")],
                updatedAt: Self.wholeSecond(change.changedAt), deleted: change.kind == .delete,
                createdAt: row.int("created") * 1_000_000))
        }
        for change in tables["payment"] ?? [] where change.kind == .upsert {
            let row = try Self.image(change)
            let created = row.int("created") * 1_000_000
            let currency = row.text("currency") ?? ""
            let day = Self.day(ofMicroseconds: created)
            let usd = usdCents(row.int("amount"), currency, day.iso, key: change.key, converter)
            payments.append(Payment(
                id: change.key, merchant: row.text("account_id") ?? "", customer: row.text("customer_id"), created: created,
                dateKey: day.key, amount: row.int("amount"), currency: currency, usdCents: usd,
                refunded: row.int("amount_refunded"), status: row.text("status") ?? "", captured: row.int("captured") != 0,
                disputed: row.int("disputed") != 0, lsn: change.lsn))
        }
        for change in tables["refund"] ?? [] where change.kind == .upsert {
            let row = try Self.image(change)
            let created = row.int("created") * 1_000_000
            let currency = row.text("currency") ?? ""
            let day = Self.day(ofMicroseconds: created)
            let usd = usdCents(row.int("amount"), currency, day.iso, key: change.key, converter)
            refunds.append(Refund(
                id: change.key, payment: row.text("charge_id") ?? "", merchant: row.text("account_id") ?? "",
                created: created, dateKey: day.key, amount: row.int("amount"), currency: currency, usdCents: usd,
                status: row.text("status") ?? "", lsn: change.lsn))
        }
    }

    /// The amount in US cents on its day, or nil (and the miss noted for the `fx_rates` check).
    mutating func usdCents(_ amount: Int64, _ currency: String, _ day: String, key: String,
                           _ converter: CurrencyConverter) -> Int64? {
        guard let cents = try? converter.usdCents(amount, currency: currency, exponent: Currency(currency)?.exponent ?? 2,
                                                  on: day) else {
            missingRates.append("\(currency.uppercased()) on \(day) (\(key))")
            return nil
        }
        return cents
    }

    /// A change's commit time, in whole seconds (as microseconds): facts carry Stripe's `created`, whole seconds,
    /// so dimension versions start on the same grid and a payment made in the second of a customer change finds
    /// the new version.
    static func wholeSecond(_ changedAt: String) -> Int64 {
        LakeStager.microseconds(iso: changedAt) / 1_000_000 * 1_000_000
    }

    struct Image {
        let values: [String: Any]
        func text(_ name: String) -> String? {
            guard let value = values[name], !(value is NSNull) else { return nil }
            return value as? String ?? "\(value)"
        }
        func int(_ name: String) -> Int64 { (values[name] as? NSNumber)?.int64Value ?? 0 }
    }

    static func image(_ change: NetChange) throws -> Image {
        guard let values = try JSONSerialization.jsonObject(with: Data(change.rowData.utf8)) as? [String: Any] else {
            throw LakeStager.SchemaChange(table: change.table, unknown: ["<not a JSON object>"], missing: [])
        }
        return Image(values: values)
    }

    /// The UTC day of a time: `yyyymmdd` and `YYYY-MM-DD`.
    static func day(ofMicroseconds micros: Int64) -> (key: Int, iso: String, year: Int, month: Int, day: Int, weekday: Int) {
        let days = micros.floorDiv(86_400_000_000)
        let (y, m, d) = Timestamp.civil(fromDays: days)
        let (year, month, day) = (Int(y), Int(m), Int(d))
        // 1 = Monday … 7 = Sunday; 1970-01-01 (day 0) was a Thursday.
        let weekday = Int((days % 7 + 7) % 7 + 3) % 7 + 1
        return (year * 10_000 + month * 100 + day, String(format: "%04d-%02d-%02d", year, month, day), year, month, day, weekday)
    }

    // MARK: Load

    /// Loads everything; returns how many dimension rows were written.
    func load(on connection: any SQLConnection) async throws -> Int {
        var dimensionRows = 0
        dimensionRows += try await loadDimension("dim_merchant", key: "merchant_id", sk: "merchant_sk",
                                                 columns: ["type", "country", "default_currency", "email"],
                                                 source: merchants, on: connection)
        dimensionRows += try await loadDimension("dim_customer", key: "customer_id", sk: "customer_sk",
                                                 columns: ["merchant_id", "email", "name", "description", "phone"],
                                                 source: customers, on: connection)
        var dates = Set(payments.map(\.created)).map { Self.day(ofMicroseconds: $0) }
        dates += refunds.map { Self.day(ofMicroseconds: $0.created) }
        for date in Dictionary(dates.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a }).values {
            try await connection.execute("""
                INSERT INTO dim_date (date_key, date, year, month, day, weekday)
                VALUES (\(Int64(date.key)), \(date.iso), \(Int64(date.year)), \(Int64(date.month)), \(Int64(date.day)), \(Int64(date.weekday)))
                ON CONFLICT (date_key) DO NOTHING
                """)
        }
        for payment in payments {
            let cents = payment.usdCents ?? 0
            try await connection.execute("""
                INSERT INTO fact_payment (payment_id, merchant_sk, customer_sk, date_key, created, amount, currency, amount_usd,
                    amount_usd_cents, amount_refunded, status, captured, disputed, lsn)
                VALUES (\(payment.id), \(sql: Self.asOf("dim_merchant", "merchant_sk", "merchant_id", payment.merchant, payment.created)),
                    \(sql: Self.asOf("dim_customer", "customer_sk", "customer_id", payment.customer, payment.created)),
                    \(Int64(payment.dateKey)), \(payment.created), \(payment.amount), \(payment.currency),
                    CAST(\(Self.decimalText(cents)) AS DECIMAL(18,2)), \(cents), \(payment.refunded), \(payment.status),
                    \(payment.captured), \(payment.disputed), \(payment.lsn))
                ON CONFLICT (payment_id) DO UPDATE SET merchant_sk = excluded.merchant_sk, customer_sk = excluded.customer_sk,
                    date_key = excluded.date_key, created = excluded.created, amount = excluded.amount,
                    currency = excluded.currency, amount_usd = excluded.amount_usd, amount_usd_cents = excluded.amount_usd_cents,
                    amount_refunded = excluded.amount_refunded, status = excluded.status, captured = excluded.captured,
                    disputed = excluded.disputed, lsn = excluded.lsn
                """)
        }
        for refund in refunds {
            try await connection.execute("""
                INSERT INTO fact_refund (refund_id, payment_id, merchant_sk, date_key, created, amount, currency,
                    amount_usd_cents, status, lsn)
                VALUES (\(refund.id), \(refund.payment),
                    \(sql: Self.asOf("dim_merchant", "merchant_sk", "merchant_id", refund.merchant, refund.created)),
                    \(Int64(refund.dateKey)), \(refund.created), \(refund.amount), \(refund.currency), \(refund.usdCents ?? 0),
                    \(refund.status), \(refund.lsn))
                ON CONFLICT (refund_id) DO UPDATE SET status = excluded.status, amount = excluded.amount, lsn = excluded.lsn
                """)
        }
        // The daily aggregates of every (merchant, day) this run touched, recomputed from the facts.
        let touched = Set(payments.map { "\($0.merchant)|\($0.dateKey)" } + refunds.map { "\($0.merchant)|\($0.dateKey)" })
        for pair in touched {
            let parts = pair.split(separator: "|", maxSplits: 1).map(String.init)
            let merchant = parts[0], dateKey = Int64(parts[1]) ?? 0
            try await connection.execute("DELETE FROM agg_merchant_daily WHERE merchant_id = \(merchant) AND date_key = \(dateKey)")
            try await connection.execute("""
                INSERT INTO agg_merchant_daily (merchant_id, date_key, currency, payments, gross, refunds, net, gross_usd_cents)
                SELECT \(merchant), \(dateKey), p.currency, count(*), SUM(p.amount),
                    COALESCE((SELECT SUM(r.amount) FROM fact_refund r JOIN dim_merchant m ON m.merchant_sk = r.merchant_sk
                              WHERE m.merchant_id = \(merchant) AND r.date_key = \(dateKey) AND r.currency = p.currency), 0),
                    SUM(p.amount) - COALESCE((SELECT SUM(r.amount) FROM fact_refund r JOIN dim_merchant m ON m.merchant_sk = r.merchant_sk
                              WHERE m.merchant_id = \(merchant) AND r.date_key = \(dateKey) AND r.currency = p.currency), 0),
                    SUM(p.amount_usd_cents)
                FROM fact_payment p JOIN dim_merchant d ON d.merchant_sk = p.merchant_sk
                WHERE d.merchant_id = \(merchant) AND p.date_key = \(dateKey) AND p.status = 'succeeded'
                GROUP BY p.currency
                """)
        }
        return dimensionRows
    }

    /// The surrogate key of the version valid at `time` (half-open), or -1.
    static func asOf(_ table: String, _ sk: String, _ key: String, _ id: String?, _ time: Int64) -> SQL {
        guard let id else { return "-1" }
        return """
            COALESCE((SELECT \(raw: sk) FROM \(raw: table) WHERE \(raw: key) = \(id) AND valid_from <= \(time)
                      AND (valid_to IS NULL OR \(time) < valid_to) AND \(raw: sk) <> -1), -1)
            """
    }

    static func decimalText(_ cents: Int64) -> String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        return "\(sign)\(magnitude / 100).\(String(format: "%02d", Int(magnitude % 100)))"
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
        for version in plan.inserts {
            let names = [sk, key] + columns + ["valid_from", "valid_to", "is_current", "is_deleted", "scd_id", "row_hash"]
            var values: [SQL] = ["\(version.surrogateKey)", "\(version.businessKey)"]
            values += columns.map { "\(version.attributes[$0] ?? nil)" }
            values += ["\(version.validFrom)", "NULL", "1", "\(version.isDeleted)", "\(version.scdID)", "\(version.rowHash)"]
            try await connection.execute("""
                INSERT INTO \(raw: table) (\(raw: names.joined(separator: ", "))) VALUES (\(sql: SQL.join(values, separator: ", ")))
                ON CONFLICT (scd_id) DO NOTHING
                """)
        }
        return plan.closeOuts.count + plan.inserts.count
    }

    // MARK: Validate

    func validate(on connection: any SQLConnection) async throws -> [EtlRunReport.Check] {
        var checks: [EtlRunReport.Check] = []
        checks.append(.init(name: "fx_rates", passed: missingRates.isEmpty,
                            detail: missingRates.isEmpty ? "every amount converted to USD"
                                : "no rate for \(missingRates.count) amounts, e.g. \(missingRates.prefix(3).joined(separator: "; "))"))
        let ids = payments.map(\.id)
        var loaded: Int64 = 0
        var sums: [String: Int64] = [:]
        for chunk in stride(from: 0, to: ids.count, by: 500) {
            let slice = ids[chunk..<min(chunk + 500, ids.count)]
            let rows = try await connection.query("""
                SELECT currency, count(*) AS n, SUM(amount) AS total FROM fact_payment
                WHERE payment_id IN (\(sql: SQL.join(slice.map { "\($0)" }, separator: ", "))) GROUP BY currency
                """)
            for row in rows {
                loaded += row.int("n")
                sums[row.string("currency"), default: 0] += row.int("total")
            }
        }
        checks.append(.init(name: "row_count", passed: loaded == Int64(payments.count),
                            detail: "\(payments.count) payments extracted, \(loaded) in fact_payment"))
        var expected: [String: Int64] = [:]
        for payment in payments { expected[payment.currency, default: 0] += payment.amount }
        checks.append(.init(name: "amount_sums", passed: expected == sums,
                            detail: expected.keys.sorted().map { "\($0) \(expected[$0]!)" }.joined(separator: ", ")))
        let orphans = try await connection.queryFirst("""
            SELECT
              (SELECT count(*) FROM fact_payment f WHERE NOT EXISTS (SELECT 1 FROM dim_merchant d WHERE d.merchant_sk = f.merchant_sk))
            + (SELECT count(*) FROM fact_payment f WHERE NOT EXISTS (SELECT 1 FROM dim_customer d WHERE d.customer_sk = f.customer_sk))
            + (SELECT count(*) FROM fact_payment f WHERE NOT EXISTS (SELECT 1 FROM dim_date d WHERE d.date_key = f.date_key))
            + (SELECT count(*) FROM fact_refund f WHERE NOT EXISTS (SELECT 1 FROM dim_merchant d WHERE d.merchant_sk = f.merchant_sk))
              AS n
            """)?.int("n") ?? 0
        checks.append(.init(name: "referential_integrity", passed: orphans == 0, detail: "\(orphans) fact keys without a dimension row"))
        let negative = try await connection.queryFirst("SELECT count(*) AS n FROM agg_merchant_daily WHERE gross < 0")?.int("n") ?? 0
        checks.append(.init(name: "revenue_non_negative", passed: negative == 0, detail: "\(negative) negative daily gross"))
        if let newest = payments.map(\.created).max() {
            let parts = logicalDate.split(separator: "-").compactMap { Int($0) }
            let start = Int64(CurrencyConverter.dayNumber(String(format: "%04d-%02d-%02d", parts[0], parts[1], parts[2])) ?? 0)
                * 86_400_000_000
            let fresh = newest >= start - 86_400_000_000
            checks.append(.init(name: "freshness", passed: fresh,
                                detail: "newest payment \(Self.day(ofMicroseconds: newest).iso), logical date \(logicalDate)"))
        }
        let overlaps = try await connection.queryFirst("""
            SELECT
              (SELECT count(*) FROM dim_customer a JOIN dim_customer b ON a.customer_id = b.customer_id
                 AND a.customer_sk < b.customer_sk AND a.customer_sk <> -1
                 AND a.valid_from < COALESCE(b.valid_to, 9223372036854775807)
                 AND b.valid_from < COALESCE(a.valid_to, 9223372036854775807))
            + (SELECT count(*) FROM dim_merchant a JOIN dim_merchant b ON a.merchant_id = b.merchant_id
                 AND a.merchant_sk < b.merchant_sk AND a.merchant_sk <> -1
                 AND a.valid_from < COALESCE(b.valid_to, 9223372036854775807)
                 AND b.valid_from < COALESCE(a.valid_to, 9223372036854775807))
              AS n
            """)?.int("n") ?? 0
        checks.append(.init(name: "scd2_ranges", passed: overlaps == 0, detail: "\(overlaps) overlapping versions"))
        return checks
    }
}
