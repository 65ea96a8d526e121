import Foundation
import RemitCore

/// Reads the euro foreign exchange reference rates the ECB publishes, in both of its CSV layouts:
/// - the daily file (`eurofxref.csv`): `Date, USD, JPY, …` then one row such as `25 November 2026, 1.0543, …`;
/// - the history file (`eurofxref-hist.csv`): `Date,USD,JPY,…` then one row per day, `2026-11-25,1.0543,…`,
///   with `N/A` where a currency has no rate that day.
/// Trailing commas and spaces are ignored. Dates come out as `YYYY-MM-DD`.
public enum ECBRatesFile {
    public struct Rate: Sendable, Equatable {
        public var date: String
        public var currency: String
        public var perEuro: ExchangeRate

        public init(date: String, currency: String, perEuro: ExchangeRate) {
            self.date = date
            self.currency = currency
            self.perEuro = perEuro
        }
    }

    public struct FormatError: Error, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    public static func parse(_ text: String) throws(FormatError) -> [Rate] {
        let lines = StorableText.from(text).split(whereSeparator: \.isNewline).map(String.init).filter {
            !$0.trimmingCharacters(in: .whitespaces).isEmpty
        }
        guard let header = lines.first else { throw FormatError(line: 1, reason: "the file is empty") }
        let columns = cells(header)
        guard columns.first?.lowercased() == "date", columns.count > 1 else {
            throw FormatError(line: 1, reason: "the first column must be Date")
        }
        var rates: [Rate] = []
        for (offset, line) in lines.dropFirst().enumerated() {
            let number = offset + 2
            let values = cells(line)
            guard let first = values.first, let date = isoDate(first) else {
                throw FormatError(line: number, reason: "not a date: \(values.first ?? "")")
            }
            for (index, currency) in columns.enumerated().dropFirst() where index < values.count {
                let value = values[index]
                if value.isEmpty || value.uppercased() == "N/A" { continue }
                guard currency.count == 3, currency.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                    throw FormatError(line: 1, reason: "not a currency code: \(currency)")
                }
                guard let rate = ExchangeRate(value) else {
                    throw FormatError(line: number, reason: "not a rate for \(currency): \(value)")
                }
                rates.append(Rate(date: date, currency: currency.uppercased(), perEuro: rate))
            }
        }
        return rates
    }

    static func cells(_ line: String) -> [String] {
        var cells = line.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        while cells.last?.isEmpty == true { cells.removeLast() }
        return cells
    }

    /// `2026-11-25` or `25 November 2026` → `2026-11-25`.
    static func isoDate(_ text: String) -> String? {
        let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                      "october", "november", "december"]
        let dashed = text.split(separator: "-")
        if dashed.count == 3, let year = Int(dashed[0]), let month = Int(dashed[1]), let day = Int(dashed[2]) {
            return valid(year, month, day)
        }
        let words = text.split(separator: " ")
        if words.count == 3, let day = Int(words[0]), let month = months.firstIndex(of: words[1].lowercased()),
           let year = Int(words[2]) {
            return valid(year, month + 1, day)
        }
        return nil
    }

    static func valid(_ year: Int, _ month: Int, _ day: Int) -> String? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day)
        guard (1...12).contains(month), (1...31).contains(day), let date = calendar.date(from: components),
              calendar.component(.day, from: date) == day else { return nil }
        return String(format: "%04d-%02d-%02d", year, month, day)
    }
}
