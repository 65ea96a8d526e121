import ArgumentParser
import Foundation
import GradientBoosting
import RemitCommandSupport
import Parquet

/// `remit bench parquet`: writes N generated payment-like rows × 10 columns to Parquet (snappy), timed; `--csv`
/// also writes the same rows as CSV, for the pyarrow peer (`scripts/bench-parquet`) and the acceptance test that
/// reads the file back with pyarrow and DuckDB.
struct BenchParquet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parquet", abstract: "Parquet write speed: N rows × 10 columns, snappy.")

    @Option var rows = 1_000_000
    @Option(name: .customLong("row-group"), help: "Rows per row group.") var rowGroup = 1_000_000
    @Option var output = "bench.parquet"
    @Option(help: "Also write the rows as CSV to this path.") var csv: String?
    @Option(help: "Timed repetitions (the fastest is reported).") var repeats = 3

    static let schema = ParquetSchema([
        ParquetColumn("id", .string),
        ParquetColumn("merchant_id", .string, dictionary: true),
        ParquetColumn("customer_id", .string, optional: true),
        ParquetColumn("amount", .decimal(precision: 18, scale: 2)),
        ParquetColumn("currency", .string, dictionary: true),
        ParquetColumn("status", .string, dictionary: true),
        ParquetColumn("created", .timestampMicros),
        ParquetColumn("fee", .int64),
        ParquetColumn("refunded", .boolean),
        ParquetColumn("risk_score", .double, optional: true),
    ])

    struct Rows {
        var id: [String] = [], merchant: [String] = [], customer: [String] = [], customerPresent: [Bool] = []
        var amount: [Int64] = [], currency: [String] = [], status: [String] = [], created: [Int64] = []
        var fee: [Int64] = [], refunded: [Bool] = [], risk: [Double] = [], riskPresent: [Bool] = []
    }

    /// Deterministic rows (a fixed-seed generator): the same for every run.
    static func generate(_ count: Int) -> Rows {
        var rows = Rows()
        var random = SeededGenerator(seed: 0x5EED)
        func next() -> UInt64 { random.next() }
        let currencies = ["usd", "eur", "gbp", "jpy", "cad"]
        let statuses = ["succeeded", "failed", "pending"]
        let start: Int64 = 1_795_000_000_000_000
        for index in 0..<count {
            let r = next()
            rows.id.append("ch_\(String(index, radix: 36))\(String(r % 1_000_000, radix: 36))")
            rows.merchant.append("acct_\(r % 50)")
            if r % 10 == 0 {
                rows.customerPresent.append(false)
            } else {
                rows.customerPresent.append(true)
                rows.customer.append("cus_\((r >> 8) % 200_000)")
            }
            let amount = Int64((r >> 16) % 500_000) + 50
            rows.amount.append(amount)
            rows.currency.append(currencies[Int((r >> 24) % 5)])
            rows.status.append(statuses[Int((r >> 28) % 100 < 90 ? 0 : ((r >> 28) % 2 == 0 ? 1 : 2))])
            rows.created.append(start + Int64(index) * 864_000 + Int64((r >> 32) % 1_000_000))
            rows.fee.append(amount * 29 / 1000 + 30)
            rows.refunded.append((r >> 40) % 20 == 0)
            if (r >> 44) % 20 == 0 {
                rows.riskPresent.append(false)
            } else {
                rows.riskPresent.append(true)
                rows.risk.append(Double((r >> 48) % 10_000) / 10_000)
            }
        }
        return rows
    }

    func run() throws {
        let data = Self.generate(rows)
        var best = Double.infinity
        for attempt in 1...repeats {
            let start = ContinuousClock.now
            let writer = try ParquetFileWriter(path: output, schema: Self.schema)
            var offset = 0
            while offset < rows {
                let range = offset..<min(offset + rowGroup, rows)
                try writer.write(rowGroup: Self.columns(data, range))
                offset = range.upperBound
            }
            try writer.close()
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            best = min(best, seconds)
            print(String(format: "run %d: %d rows × 10 columns in %.3f s", attempt, rows, seconds))
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
        print(String(format: "remit parquet: best %.3f s (%.0f rows/s), %d bytes, snappy", best, Double(rows) / best, size))
        if let csv { try Self.writeCSV(data, rows: rows, to: csv) }
    }

    /// The rows of `range` as column data (optional columns carry their present flags).
    static func columns(_ data: Rows, _ range: Range<Int>) -> [ParquetColumnData] {
        func values<T>(_ all: [T], _ present: [Bool]) -> (values: [T], present: [Bool]) {
            // Non-null values are stored densely: find where `range` starts among them.
            let before = present[..<range.lowerBound].filter { $0 }.count
            let flags = Array(present[range])
            let count = flags.filter { $0 }.count
            return (Array(all[before..<before + count]), flags)
        }
        let customer = values(data.customer, data.customerPresent)
        let risk = values(data.risk, data.riskPresent)
        return [
            .init(.string(Array(data.id[range]))), .init(.string(Array(data.merchant[range]))),
            .init(.string(customer.values), present: customer.present), .init(.int64(Array(data.amount[range]))),
            .init(.string(Array(data.currency[range]))), .init(.string(Array(data.status[range]))),
            .init(.int64(Array(data.created[range]))), .init(.int64(Array(data.fee[range]))),
            .init(.boolean(Array(data.refunded[range]))), .init(.double(risk.values), present: risk.present),
        ]
    }

    static func writeCSV(_ data: Rows, rows: Int, to path: String) throws {
        var text = "id,merchant_id,customer_id,amount_minor,currency,status,created_us,fee,refunded,risk_score\n"
        var customer = 0, risk = 0
        for index in 0..<rows {
            var fields = [data.id[index], data.merchant[index]]
            if data.customerPresent[index] {
                fields.append(data.customer[customer])
                customer += 1
            } else {
                fields.append("")
            }
            fields += [String(data.amount[index]), data.currency[index], data.status[index], String(data.created[index]),
                       String(data.fee[index]), data.refunded[index] ? "true" : "false"]
            if data.riskPresent[index] {
                fields.append(String(data.risk[risk]))
                risk += 1
            } else {
                fields.append("")
            }
            text += fields.joined(separator: ",") + "\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
