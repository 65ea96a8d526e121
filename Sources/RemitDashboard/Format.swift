import Foundation
import RemitCore

/// How the dashboards print figures: money from integer minor units (never through a floating-point total),
/// counts with thousands separators, rates, times in UTC.
enum Format {
    /// `$12,345.67` from US cents.
    static func usd(cents: Int64) -> String {
        let sign = cents < 0 ? "−" : ""
        let magnitude = cents.magnitude
        return "\(sign)$\(grouped(magnitude / 100)).\(String(format: "%02d", Int(magnitude % 100)))"
    }

    /// An amount in its currency's minor units, e.g. `1,234.56 EUR` or `1,200 JPY`.
    static func money(_ amount: Int64, currency: String) -> String {
        let exponent = Currency(currency)?.exponent ?? 2
        let sign = amount < 0 ? "−" : ""
        let magnitude = amount.magnitude
        guard exponent > 0 else { return "\(sign)\(grouped(magnitude)) \(currency.uppercased())" }
        var divisor: UInt64 = 1
        for _ in 0..<exponent { divisor *= 10 }
        let minor = String(magnitude % divisor)
        return "\(sign)\(grouped(magnitude / divisor)).\(String(repeating: "0", count: exponent - minor.count))\(minor) "
            + currency.uppercased()
    }

    static func count(_ value: Int64) -> String { value < 0 ? "−" + grouped(value.magnitude) : grouped(UInt64(value)) }

    static func grouped(_ value: UInt64) -> String {
        let digits = String(value)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return result
    }

    static func percent(_ share: Double?) -> String {
        guard let share, share.isFinite else { return "–" }
        return String(format: share < 0.1 ? "%.2f %%" : "%.1f %%", share * 100)
    }

    static func milliseconds(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        if value >= 10_000 { return String(format: "%.1f s", value / 1000) }
        return String(format: value >= 100 ? "%.0f ms" : "%.1f ms", value)
    }

    static func seconds(_ value: Double) -> String { String(format: value >= 10 ? "%.1f s" : "%.3f s", value) }

    /// `2025-10-20 14:25 UTC` from milliseconds since 1970.
    static func time(ms: Int64) -> String {
        let text = Timestamp.iso8601(unixMilliseconds: ms)
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(5)) + " UTC"
    }

    /// `2025-10-20 14:25 UTC` from Unix seconds.
    static func time(seconds: Int64) -> String { time(ms: seconds * 1000) }

    /// `2025-10-20 14:25 UTC` from Remit's ISO-8601 stamps (other text is shown as it is).
    static func time(iso: String?) -> String {
        guard let iso, let micros = Timestamp.unixMicroseconds(iso: iso) else { return iso ?? "–" }
        return time(ms: micros / 1000)
    }

    /// `2025-10-20` from a `yyyymmdd` date key.
    static func day(key: Int64) -> String {
        String(format: "%04lld-%02lld-%02lld", key / 10_000, key / 100 % 100, key % 100)
    }

    /// `10-20` from a date key (chart labels).
    static func shortDay(key: Int64) -> String { String(format: "%02lld-%02lld", key / 100 % 100, key % 100) }

    /// The date key `days` before `key`.
    static func dateKey(_ key: Int64, minusDays days: Int64) -> Int64 {
        let number = Timestamp.days(fromCivil: key / 10_000, key / 100 % 100, key % 100) - days
        let (year, month, day) = Timestamp.civil(fromDays: number)
        return year * 10_000 + month * 100 + day
    }

    /// Every date key from `first` to `last`, inclusive.
    static func dateKeys(from first: Int64, through last: Int64) -> [Int64] {
        let start = Timestamp.days(fromCivil: first / 10_000, first / 100 % 100, first % 100)
        let end = Timestamp.days(fromCivil: last / 10_000, last / 100 % 100, last % 100)
        guard end >= start, end - start < 3660 else { return [] }
        return (start...end).map { number in
            let (year, month, day) = Timestamp.civil(fromDays: number)
            return year * 10_000 + month * 100 + day
        }
    }
}
