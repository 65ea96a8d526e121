import Foundation
import RemitCommandSupport
import GradientBoosting

/// A labelled set shaped like the fraud features (counts, amounts, flags, ages, missing history) with a
/// non-linear, noisy label at about a 1 % positive rate, for timing training and scoring.
enum BenchmarkData {
    static let columns = [
        "velocity_1h", "velocity_24h", "avg_amount_30d", "stddev_amount_30d", "card_country_mismatch",
        "ip_country_mismatch", "first_transaction_customer", "merchant_dispute_rate_30d", "customer_dispute_history",
        "time_since_last_tx", "device_fingerprint_new", "email_domain_age_days", "amount", "label",
    ]

    static func generate(rows: Int, seed: UInt64) -> NumericTable {
        var random = SeededGenerator(seed: seed)
        func normal() -> Double {
            let u = max(random.nextUnit(), 1e-12), v = random.nextUnit()
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
        func poisson(_ mean: Double) -> Double {
            var k = 0.0, p = 1.0
            let limit = exp(-mean)
            repeat { k += 1; p *= random.nextUnit() } while p > limit
            return k - 1
        }
        var values = [Float]()
        values.reserveCapacity(rows * columns.count)
        for _ in 0..<rows {
            let first = random.nextUnit() < 0.08
            let v1 = poisson(0.3), v24 = v1 + poisson(1.5)
            let average = first ? Double.nan : exp(3.5 + normal())
            let deviation = first || random.nextUnit() < 0.2 ? Double.nan : average * (0.2 + random.nextUnit())
            let cardMismatch = random.nextUnit() < 0.04 ? 1.0 : 0
            let ipMismatch = random.nextUnit() < 0.06 ? 1.0 : 0
            let disputeRate = random.nextUnit() < 0.3 ? Double.nan : max(0, 0.004 + 0.004 * normal())
            let disputes = random.nextUnit() < 0.02 ? poisson(1) + 1 : 0
            let sinceLast = first ? Double.nan : exp(9 + 2 * normal())
            let newDevice = random.nextUnit() < (first ? 0.9 : 0.02) ? 1.0 : 0
            let domainAge = random.nextUnit() < 0.85 ? 3000 + 7000 * random.nextUnit() : 5000 * random.nextUnit()
            let amount = exp(3.5 + 1.2 * normal())
            var logit = -6.2 + 0.6 * v1 + 0.25 * min(v24, 10) + 1.6 * ipMismatch + 1.1 * cardMismatch + 1.4 * newDevice
            logit += (domainAge < 60 ? 1.8 : 0) + (first ? 0.9 : 0) + 0.5 * disputes
            if !average.isNaN { logit += 0.8 * min(3, max(-1, log(amount / average))) }
            if !sinceLast.isNaN, sinceLast < 900 { logit += 1.2 }
            if !disputeRate.isNaN { logit += 60 * disputeRate }
            logit += 0.8 * normal()
            let label = random.nextUnit() < 1 / (1 + exp(-logit)) ? 1.0 : 0
            let row = [v1, v24, average, deviation, cardMismatch, ipMismatch, first ? 1 : 0, disputeRate, disputes,
                       sinceLast, newDevice, domainAge.rounded(), amount.rounded(), label]
            values.append(contentsOf: row.map { Float($0) })
        }
        return NumericTable(columnNames: columns, values: values)
    }

    static func write(_ table: NumericTable, to path: String) throws {
        var text = table.columnNames.joined(separator: ",") + "\n"
        for row in 0..<table.rowCount {
            for column in 0..<table.columnCount {
                if column > 0 { text += "," }
                let value = table.value(row: row, column: column)
                if !value.isNaN { text += "\(value)" }
            }
            text += "\n"
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
}
