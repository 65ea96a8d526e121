import RemitSQL

/// The daily aggregates kept as running sums: what a run's facts change in `agg_merchant_daily` and `agg_fraud_daily`,
/// gathered slice by slice while the facts load, and added to the tables once, after the last slice.
///
/// A fact's contribution is what the aggregates' definitions count of it (a succeeded payment's amount in gross, a
/// refund that has not failed, every dispute, a balance movement's fee, every payment in its fraud bucket), under the
/// merchant id of the dimension version the fact points at (`unknown` for the `-1` member). Loading a fact changes
/// the sums by its contribution after the load less its contribution before. A fact created inside the run's range
/// (its first change there is the insert) cannot be in the warehouse yet: a run starts at the last published LSN, so
/// nothing before it loaded that row. Only the other facts are read back before they are replaced (a charge refunded
/// a day later, a dispute that changed status): a few rows per slice, where recomputing a day from its facts read all
/// of them (64 s for one day of 10M payments, BENCHMARKS.md).
///
/// A (merchant, day, currency) row stays while one of its figures is non-zero; a fraud bucket while it counts a charge.
struct AggregateDeltas: Sendable {
    struct MerchantDay: Hashable, Sendable {
        var merchantID: String
        var dateKey: Int
        var currency: String
    }

    struct Sums: Sendable, Equatable {
        var payments: Int64 = 0
        var gross: Int64 = 0
        var refunds: Int64 = 0
        var disputes: Int64 = 0
        var fees: Int64 = 0
        var grossUSD: Int64 = 0
        var refundsUSD: Int64 = 0
        var disputesUSD: Int64 = 0
        var feesUSD: Int64 = 0
        /// Of `payments`: those made through a PaymentIntent, and those authenticated with 3-D Secure.
        var intentPayments: Int64 = 0
        var authenticatedPayments: Int64 = 0

        static func += (lhs: inout Sums, rhs: Sums) {
            lhs.payments += rhs.payments
            lhs.gross += rhs.gross
            lhs.refunds += rhs.refunds
            lhs.disputes += rhs.disputes
            lhs.fees += rhs.fees
            lhs.grossUSD += rhs.grossUSD
            lhs.refundsUSD += rhs.refundsUSD
            lhs.disputesUSD += rhs.disputesUSD
            lhs.feesUSD += rhs.feesUSD
            lhs.intentPayments += rhs.intentPayments
            lhs.authenticatedPayments += rhs.authenticatedPayments
        }

        static prefix func - (sums: Sums) -> Sums {
            Sums(payments: -sums.payments, gross: -sums.gross, refunds: -sums.refunds, disputes: -sums.disputes,
                 fees: -sums.fees, grossUSD: -sums.grossUSD, refundsUSD: -sums.refundsUSD,
                 disputesUSD: -sums.disputesUSD, feesUSD: -sums.feesUSD, intentPayments: -sums.intentPayments,
                 authenticatedPayments: -sums.authenticatedPayments)
        }
    }

    struct FraudBucket: Hashable, Sendable {
        var dateKey: Int
        var merchantID: String
        var outcomeType: String
        /// The risk score in tens, 0…9.
        var bucket: Int
    }

    struct FraudSums: Sendable, Equatable {
        var charges: Int64 = 0
        var usdCents: Int64 = 0
    }

    private(set) var merchantDays: [MerchantDay: Sums] = [:]
    private(set) var fraud: [FraudBucket: FraudSums] = [:]

    /// How many (merchant, day, currency) rows the run changes.
    var pairs: Int { merchantDays.count }

    mutating func merge(_ other: AggregateDeltas) {
        for (key, sums) in other.merchantDays { merchantDays[key, default: Sums()] += sums }
        for (key, sums) in other.fraud {
            fraud[key, default: FraudSums()].charges += sums.charges
            fraud[key, default: FraudSums()].usdCents += sums.usdCents
        }
    }

    // MARK: Contributions (sign +1 for a fact as loaded, -1 for the version it replaces)

    mutating func payment(merchantID: String, dateKey: Int, currency: String, status: String, amount: Int64,
                          usdCents: Int64, outcomeType: String, riskScore: Int64, viaIntent: Bool, authenticated: Bool,
                          sign: Int64) {
        if status == "succeeded" {
            merchantDays[MerchantDay(merchantID: merchantID, dateKey: dateKey, currency: currency), default: Sums()]
                += Sums(payments: sign, gross: sign * amount, grossUSD: sign * usdCents,
                        intentPayments: viaIntent ? sign : 0, authenticatedPayments: authenticated ? sign : 0)
        }
        let bucket = riskScore >= 90 ? 9 : riskScore < 0 ? 0 : Int(riskScore / 10)
        let key = FraudBucket(dateKey: dateKey, merchantID: merchantID, outcomeType: outcomeType, bucket: bucket)
        fraud[key, default: FraudSums()].charges += sign
        fraud[key, default: FraudSums()].usdCents += sign * usdCents
    }

    mutating func refund(merchantID: String, dateKey: Int, currency: String, status: String, amount: Int64,
                         usdCents: Int64, sign: Int64) {
        guard status != "failed" else { return }
        merchantDays[MerchantDay(merchantID: merchantID, dateKey: dateKey, currency: currency), default: Sums()]
            += Sums(refunds: sign * amount, refundsUSD: sign * usdCents)
    }

    mutating func dispute(merchantID: String, dateKey: Int, currency: String, amount: Int64, usdCents: Int64,
                          sign: Int64) {
        merchantDays[MerchantDay(merchantID: merchantID, dateKey: dateKey, currency: currency), default: Sums()]
            += Sums(disputes: sign * amount, disputesUSD: sign * usdCents)
    }

    mutating func movement(merchantID: String, dateKey: Int, currency: String, fee: Int64, feeUSD: Int64, sign: Int64) {
        guard fee != 0 else { return }
        merchantDays[MerchantDay(merchantID: merchantID, dateKey: dateKey, currency: currency), default: Sums()]
            += Sums(fees: sign * fee, feesUSD: sign * feeUSD)
    }

    // MARK: The warehouse

    /// Subtracts the contributions of the facts of `table` whose ids are `ids`, as the warehouse holds them now (ids it
    /// does not hold contribute nothing). Called before those facts are replaced.
    mutating func subtractLoaded(_ table: FactTable, ids: [String], on connection: any SQLConnection) async throws {
        for chunk in stride(from: 0, to: ids.count, by: 500) {
            let list = SQL.join(ids[chunk..<min(chunk + 500, ids.count)].map { "\($0)" }, separator: ", ")
            switch table {
            case .payment:
                for row in try await connection.query("""
                    SELECT d.merchant_id, f.date_key, f.currency, f.status, f.amount, f.amount_usd_cents,
                        COALESCE(f.outcome_type, '') AS outcome_type, COALESCE(f.risk_score, 0) AS risk_score,
                        CASE WHEN f.payment_intent_id IS NULL THEN 0 ELSE 1 END AS via_intent,
                        CASE WHEN f.three_d_secure = 'authenticated' THEN 1 ELSE 0 END AS authenticated
                    FROM fact_payment f JOIN dim_merchant d ON d.merchant_sk = f.merchant_sk
                    WHERE f.payment_id IN (\(sql: list))
                    """) {
                    payment(merchantID: row.string("merchant_id"), dateKey: Int(row.int("date_key")),
                            currency: row.string("currency"), status: row.string("status"), amount: row.int("amount"),
                            usdCents: row.int("amount_usd_cents"), outcomeType: row.string("outcome_type"),
                            riskScore: row.int("risk_score"), viaIntent: row.int("via_intent") == 1,
                            authenticated: row.int("authenticated") == 1, sign: -1)
                }
            case .refund:
                for row in try await connection.query("""
                    SELECT d.merchant_id, f.date_key, f.currency, f.status, f.amount, f.amount_usd_cents
                    FROM fact_refund f JOIN dim_merchant d ON d.merchant_sk = f.merchant_sk
                    WHERE f.refund_id IN (\(sql: list))
                    """) {
                    refund(merchantID: row.string("merchant_id"), dateKey: Int(row.int("date_key")),
                           currency: row.string("currency"), status: row.string("status"), amount: row.int("amount"),
                           usdCents: row.int("amount_usd_cents"), sign: -1)
                }
            case .dispute:
                for row in try await connection.query("""
                    SELECT d.merchant_id, f.date_key, f.currency, f.amount, f.amount_usd_cents
                    FROM fact_dispute f JOIN dim_merchant d ON d.merchant_sk = f.merchant_sk
                    WHERE f.dispute_id IN (\(sql: list))
                    """) {
                    dispute(merchantID: row.string("merchant_id"), dateKey: Int(row.int("date_key")),
                            currency: row.string("currency"), amount: row.int("amount"),
                            usdCents: row.int("amount_usd_cents"), sign: -1)
                }
            }
        }
    }

    /// The fact tables whose replaced rows are read back. (A balance movement's upsert keeps the row it finds: only
    /// a movement the warehouse does not hold yet changes the sums.)
    enum FactTable { case payment, refund, dispute }

    /// Adds the sums to the aggregate tables (an upsert that adds), then drops the rows left with nothing in them.
    /// Returns how many (merchant, day, currency) rows changed.
    func apply(on connection: any SQLConnection) async throws -> Int {
        let merchantRows = merchantDays.filter { $0.value != Sums() }.sorted {
            ($0.key.dateKey, $0.key.merchantID, $0.key.currency) < ($1.key.dateKey, $1.key.merchantID, $1.key.currency)
        }
        try await WarehouseTransform.insertValues(into: "agg_merchant_daily", [
            "merchant_id", "date_key", "currency", "payments", "gross", "refunds", "disputes", "fees", "net",
            "gross_usd_cents", "refunds_usd_cents", "disputes_usd_cents", "fees_usd_cents", "net_usd_cents",
            "intent_payments", "authenticated_payments",
        ], count: merchantRows.count, conflict: """
            ON CONFLICT (merchant_id, date_key, currency) DO UPDATE SET payments = agg_merchant_daily.payments + excluded.payments,
                gross = agg_merchant_daily.gross + excluded.gross, refunds = agg_merchant_daily.refunds + excluded.refunds,
                disputes = agg_merchant_daily.disputes + excluded.disputes, fees = agg_merchant_daily.fees + excluded.fees,
                net = agg_merchant_daily.net + excluded.net,
                gross_usd_cents = agg_merchant_daily.gross_usd_cents + excluded.gross_usd_cents,
                refunds_usd_cents = agg_merchant_daily.refunds_usd_cents + excluded.refunds_usd_cents,
                disputes_usd_cents = agg_merchant_daily.disputes_usd_cents + excluded.disputes_usd_cents,
                fees_usd_cents = agg_merchant_daily.fees_usd_cents + excluded.fees_usd_cents,
                net_usd_cents = agg_merchant_daily.net_usd_cents + excluded.net_usd_cents,
                intent_payments = agg_merchant_daily.intent_payments + excluded.intent_payments,
                authenticated_payments = agg_merchant_daily.authenticated_payments + excluded.authenticated_payments
            """, on: connection) { index in
            let (key, sums) = merchantRows[index]
            return [.text(key.merchantID), .integer(Int64(key.dateKey)), .text(key.currency), .integer(sums.payments),
                    .integer(sums.gross), .integer(sums.refunds), .integer(sums.disputes), .integer(sums.fees),
                    .integer(sums.gross - sums.refunds - sums.disputes - sums.fees), .integer(sums.grossUSD),
                    .integer(sums.refundsUSD), .integer(sums.disputesUSD), .integer(sums.feesUSD),
                    .integer(sums.grossUSD - sums.refundsUSD - sums.disputesUSD - sums.feesUSD),
                    .integer(sums.intentPayments), .integer(sums.authenticatedPayments)]
        }
        let fraudRows = fraud.filter { $0.value != FraudSums() }.sorted {
            ($0.key.dateKey, $0.key.merchantID, $0.key.outcomeType, $0.key.bucket)
                < ($1.key.dateKey, $1.key.merchantID, $1.key.outcomeType, $1.key.bucket)
        }
        try await WarehouseTransform.insertValues(into: "agg_fraud_daily", [
            "date_key", "merchant_id", "outcome_type", "risk_bucket", "charges", "amount_usd_cents",
        ], count: fraudRows.count, conflict: """
            ON CONFLICT (date_key, merchant_id, outcome_type, risk_bucket) DO UPDATE SET
                charges = agg_fraud_daily.charges + excluded.charges,
                amount_usd_cents = agg_fraud_daily.amount_usd_cents + excluded.amount_usd_cents
            """, on: connection) { index in
            let (key, sums) = fraudRows[index]
            return [.integer(Int64(key.dateKey)), .text(key.merchantID), .text(key.outcomeType),
                    .integer(Int64(key.bucket)), .integer(sums.charges), .integer(sums.usdCents)]
        }
        // What the run emptied: a payment that is no longer succeeded, a refund that failed, a bucket left.
        for day in Set(merchantRows.map(\.key.dateKey)).sorted() {
            try await connection.execute("""
                DELETE FROM agg_merchant_daily WHERE date_key = \(Int64(day)) AND payments = 0 AND gross = 0
                    AND refunds = 0 AND disputes = 0 AND fees = 0 AND gross_usd_cents = 0 AND refunds_usd_cents = 0
                    AND disputes_usd_cents = 0 AND fees_usd_cents = 0
                """)
        }
        for day in Set(fraudRows.map(\.key.dateKey)).sorted() {
            try await connection.execute("DELETE FROM agg_fraud_daily WHERE date_key = \(Int64(day)) AND charges = 0")
        }
        return merchantRows.count
    }
}
