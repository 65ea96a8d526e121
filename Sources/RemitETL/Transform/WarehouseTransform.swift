import RemitCore

/// The transform of one run (pure: no I/O): the accepted rows of the extracted tables become SCD2 source rows for
/// the dimensions and facts with their UTC day and their USD amounts. Amounts stay integers in minor units; the USD
/// figures are exact cents (banker's rounding in the converter).
struct WarehouseTransform: Sendable {
    struct Payment: Sendable {
        var id: String, merchant: String, customer: String?, created: Int64, dateKey: Int
        var amount: Int64, currency: String, usdCents: Int64?, refunded: Int64, status: String
        var captured: Bool, disputed: Bool, lsn: Int64
        /// Stripe's outcome: `authorized`, `manual_review`, `blocked`, `issuer_declined`, …; the risk level and score.
        var outcomeType: String, riskLevel: String, riskScore: Int64
        /// The PaymentIntent the charge is an attempt of (nil for the Charges API), and its 3-D Secure result.
        var paymentIntent: String? = nil, threeDSecure: String? = nil
        /// Created inside the run's range: the warehouse does not hold it yet (see ``AggregateDeltas``).
        var firstLoad = false
    }

    struct Refund: Sendable {
        var id: String, payment: String, merchant: String, created: Int64, dateKey: Int
        var amount: Int64, currency: String, usdCents: Int64?, status: String, lsn: Int64
        var firstLoad = false
    }

    struct Dispute: Sendable {
        var id: String, payment: String, merchant: String, created: Int64, dateKey: Int
        var amount: Int64, currency: String, usdCents: Int64?, reason: String, status: String, lsn: Int64
        var firstLoad = false
    }

    /// A movement of a merchant's balance (charge, refund, dispute, reinstatement) with its fee: fees and net
    /// come from here.
    struct BalanceMovement: Sendable {
        var id: String, merchant: String, created: Int64, dateKey: Int, type: String, category: String
        var amount: Int64, fee: Int64, net: Int64, currency: String
        var amountUSD: Int64?, feeUSD: Int64?, netUSD: Int64?, source: String, lsn: Int64
        var firstLoad = false
    }

    static let merchantAttributes = ["type", "country", "default_currency", "email"]
    static let customerAttributes = ["merchant_id", "email", "name", "description", "phone"]
    static let subscriptionAttributes = ["merchant_id", "customer_id", "status", "currency", "items",
                                         "default_payment_method", "cancel_at_period_end", "current_period_start",
                                         "current_period_end"]

    var merchants: [DimensionSourceRow] = []
    var customers: [DimensionSourceRow] = []
    var subscriptions: [DimensionSourceRow] = []
    var payments: [Payment] = []
    var refunds: [Refund] = []
    var disputes: [Dispute] = []
    var movements: [BalanceMovement] = []
    /// Amounts no rate could convert (`fx_rates` fails the run with them).
    var missingRates: [String] = []
    let logicalDate: String

    init(tables: [String: StagedRows], converter: CurrencyConverter, logicalDate: String) {
        self.logicalDate = logicalDate
        if let rows = tables["merchant"] {
            merchants = Self.dimensionRows(rows, [
                "type": rows.text("type"), "country": rows.text("country"),
                "default_currency": rows.text("default_currency"), "email": rows.text("email"),
            ])
        }
        if let rows = tables["customer"] {
            customers = Self.dimensionRows(rows, [
                "merchant_id": rows.text("account_id"), "email": rows.text("email"), "name": rows.text("name"),
                "description": rows.text("description"), "phone": rows.text("phone"),
            ])
        }
        if let rows = tables["subscription"] {
            subscriptions = Self.dimensionRows(rows, [
                "merchant_id": rows.text("account_id"), "customer_id": rows.text("customer_id"),
                "status": rows.text("status"), "currency": rows.text("currency"), "items": rows.text("items"),
                "default_payment_method": rows.text("default_payment_method"),
                "cancel_at_period_end": rows.flag("cancel_at_period_end").map { $0.map { $0 ? "true" : "false" } },
                "current_period_start": rows.integer("current_period_start").map { $0.map { String($0 / 1_000_000) } },
                "current_period_end": rows.integer("current_period_end").map { $0.map { String($0 / 1_000_000) } },
            ])
        }
        if let rows = tables["payment"] { addPayments(rows, converter) }
        if let rows = tables["refund"] { addRefunds(rows, converter) }
        if let rows = tables["dispute"] { addDisputes(rows, converter) }
        if let rows = tables["balance_transaction"] { addMovements(rows, converter) }
    }

    /// SCD2 source rows of a dimension table: the tracked attributes, the commit time of the last change (whole
    /// seconds, the grid of the facts' `created`), and the row's own creation time for its first version.
    static func dimensionRows(_ rows: StagedRows, _ attributes: [String: [String?]]) -> [DimensionSourceRow] {
        let created = rows.integer("created")
        return rows.changes.indices.map { row in
            DimensionSourceRow(
                businessKey: rows.changes[row].key, attributes: attributes.mapValues { $0[row] },
                updatedAt: rows.changedAt[row] / 1_000_000 * 1_000_000, deleted: rows.changes[row].kind == .delete,
                createdAt: created[row])
        }
    }

    mutating func addPayments(_ rows: StagedRows, _ converter: CurrencyConverter) {
        let (created, amount, currency) = (rows.integer("created"), rows.integer("amount"), rows.text("currency"))
        let (account, customer, refunded) = (rows.text("account_id"), rows.text("customer_id"), rows.integer("amount_refunded"))
        let (status, captured, disputed) = (rows.text("status"), rows.flag("captured"), rows.flag("disputed"))
        let (outcome, level, score) = (rows.text("outcome_type"), rows.text("outcome_risk_level"),
                                       rows.integer("outcome_risk_score"))
        let (intent, threeDSecure) = (rows.text("payment_intent_id"), rows.text("three_d_secure"))
        for row in rows.changes.indices where rows.changes[row].kind == .upsert {
            let change = rows.changes[row]
            let time = created[row] ?? 0
            let day = Self.day(ofMicroseconds: time)
            let code = currency[row] ?? ""
            payments.append(Payment(
                id: change.key, merchant: account[row] ?? "", customer: customer[row], created: time, dateKey: day.key,
                amount: amount[row] ?? 0, currency: code, usdCents: usdCents(amount[row] ?? 0, code, day.iso, change.key, converter),
                refunded: refunded[row] ?? 0, status: status[row] ?? "", captured: captured[row] ?? false,
                disputed: disputed[row] ?? false, lsn: change.lsn, outcomeType: outcome[row] ?? "",
                riskLevel: level[row] ?? "", riskScore: score[row] ?? 0, paymentIntent: intent[row],
                threeDSecure: threeDSecure[row], firstLoad: change.created))
        }
    }

    mutating func addRefunds(_ rows: StagedRows, _ converter: CurrencyConverter) {
        let (created, amount, currency) = (rows.integer("created"), rows.integer("amount"), rows.text("currency"))
        let (account, charge, status) = (rows.text("account_id"), rows.text("charge_id"), rows.text("status"))
        for row in rows.changes.indices where rows.changes[row].kind == .upsert {
            let change = rows.changes[row]
            let time = created[row] ?? 0
            let day = Self.day(ofMicroseconds: time)
            let code = currency[row] ?? ""
            refunds.append(Refund(
                id: change.key, payment: charge[row] ?? "", merchant: account[row] ?? "", created: time, dateKey: day.key,
                amount: amount[row] ?? 0, currency: code, usdCents: usdCents(amount[row] ?? 0, code, day.iso, change.key, converter),
                status: status[row] ?? "", lsn: change.lsn, firstLoad: change.created))
        }
    }

    mutating func addDisputes(_ rows: StagedRows, _ converter: CurrencyConverter) {
        let (created, amount, currency) = (rows.integer("created"), rows.integer("amount"), rows.text("currency"))
        let (account, charge, status, reason) = (rows.text("account_id"), rows.text("charge_id"), rows.text("status"),
                                                 rows.text("reason"))
        for row in rows.changes.indices where rows.changes[row].kind == .upsert {
            let change = rows.changes[row]
            let time = created[row] ?? 0
            let day = Self.day(ofMicroseconds: time)
            let code = currency[row] ?? ""
            disputes.append(Dispute(
                id: change.key, payment: charge[row] ?? "", merchant: account[row] ?? "", created: time, dateKey: day.key,
                amount: amount[row] ?? 0, currency: code, usdCents: usdCents(amount[row] ?? 0, code, day.iso, change.key, converter),
                reason: reason[row] ?? "", status: status[row] ?? "", lsn: change.lsn, firstLoad: change.created))
        }
    }

    mutating func addMovements(_ rows: StagedRows, _ converter: CurrencyConverter) {
        let (created, amount, fee, net) = (rows.integer("created"), rows.integer("amount"), rows.integer("fee"),
                                           rows.integer("net"))
        let (account, currency, type) = (rows.text("account_id"), rows.text("currency"), rows.text("type"))
        let (category, source) = (rows.text("reporting_category"), rows.text("source_id"))
        for row in rows.changes.indices where rows.changes[row].kind == .upsert {
            let change = rows.changes[row]
            let time = created[row] ?? 0
            let day = Self.day(ofMicroseconds: time)
            let code = currency[row] ?? ""
            movements.append(BalanceMovement(
                id: change.key, merchant: account[row] ?? "", created: time, dateKey: day.key, type: type[row] ?? "",
                category: category[row] ?? "", amount: amount[row] ?? 0, fee: fee[row] ?? 0, net: net[row] ?? 0,
                currency: code, amountUSD: usdCents(amount[row] ?? 0, code, day.iso, change.key, converter),
                feeUSD: usdCents(fee[row] ?? 0, code, day.iso, change.key, converter),
                netUSD: usdCents(net[row] ?? 0, code, day.iso, change.key, converter), source: source[row] ?? "",
                lsn: change.lsn, firstLoad: change.created))
        }
    }

    /// The amount in US cents on its day, or nil (and the miss noted for the `fx_rates` check).
    mutating func usdCents(_ amount: Int64, _ currency: String, _ day: String, _ key: String,
                           _ converter: CurrencyConverter) -> Int64? {
        do {
            return try converter.usdCents(amount, currency: currency, exponent: Currency(currency)?.exponent ?? 2, on: day)
        } catch {
            let miss = "\(currency.uppercased()) on \(day) (\(key))"
            if missingRates.last != miss { missingRates.append(miss) }
            return nil
        }
    }

    /// The UTC day of a time: `yyyymmdd` and `YYYY-MM-DD`, with its parts and ISO weekday (1 = Monday … 7 = Sunday).
    static func day(ofMicroseconds micros: Int64) -> (key: Int, iso: String, year: Int, month: Int, day: Int, weekday: Int) {
        let days = micros.floorDiv(86_400_000_000)
        let (y, m, d) = Timestamp.civil(fromDays: days)
        let (year, month, day) = (Int(y), Int(m), Int(d))
        // 1970-01-01 (day 0) was a Thursday (4).
        let weekday = Int(((days + 3) % 7 + 7) % 7) + 1
        return (year * 10_000 + month * 100 + day, Timestamp.isoDate(days: days), year, month, day, weekday)
    }
}
