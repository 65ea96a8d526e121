import Foundation

/// UTC timestamps with milliseconds, `2026-11-25T14:25:36.123Z`, the one text form Remit stores.
public enum Timestamp {
    public static func iso8601(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1_000).rounded(.down))
        return iso8601(unixMilliseconds: milliseconds)
    }

    public static func now() -> String { iso8601(Date()) }

    public static func iso8601(unixMilliseconds: Int64) -> String {
        let seconds = unixMilliseconds.floorDiv(1_000)
        let millis = unixMilliseconds - seconds * 1_000
        let days = seconds.floorDiv(86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay % 3600 / 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(millis, 3))Z"
    }

    /// Days since 1970-01-01 of a civil date (Howard Hinnant's days-from-civil, proleptic Gregorian).
    public static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDiv(400)
        let yearOfEra = y - era * 400
        let monthIndex = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Days since 1970-01-01 of `YYYY-MM-DD`, or nil when it is not a valid date.
    public static func days(fromISODate text: some StringProtocol) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == 45, bytes[7] == 45,
              let year = digits(bytes, 0, 4), let month = digits(bytes, 5, 2), let day = digits(bytes, 8, 2),
              (1...12).contains(month), day >= 1, day <= daysInMonth(year, month) else { return nil }
        return days(fromCivil: year, month, day)
    }

    /// `YYYY-MM-DD` of a day number.
    public static func isoDate(days: Int64) -> String {
        let (year, month, day) = civil(fromDays: days)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Microseconds since 1970 of an ISO-8601 / RFC 3339 instant: `YYYY-MM-DDTHH:MM:SS`, an optional fraction
    /// (any number of digits, kept to the microsecond), then `Z`, `±HH:MM`, `±HHMM` or nothing (UTC). A space may
    /// stand for the `T`. Parsed by hand: the lake and the stream processor read one per row. Nil when malformed.
    public static func unixMicroseconds(iso text: some StringProtocol) -> Int64? {
        var copy = String(text)
        return copy.withUTF8 { unixMicroseconds(isoBytes: $0) }
    }

    /// ``unixMicroseconds(iso:)`` over UTF-8 bytes.
    public static func unixMicroseconds(isoBytes bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard bytes.count >= 19, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84 || bytes[10] == 32 || bytes[10] == 116,
              bytes[13] == 58, bytes[16] == 58,
              let year = digits(bytes, 0, 4), let month = digits(bytes, 5, 2), let day = digits(bytes, 8, 2),
              let hour = digits(bytes, 11, 2), let minute = digits(bytes, 14, 2), let second = digits(bytes, 17, 2),
              (1...12).contains(month), day >= 1, day <= daysInMonth(year, month), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var micros: Int64 = 0
        if index < bytes.count, bytes[index] == 46 {
            index += 1
            var scale: Int64 = 100_000
            let start = index
            while index < bytes.count, (48...57).contains(bytes[index]) {
                micros += Int64(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offsetSeconds: Int64 = 0
        if index < bytes.count {
            switch bytes[index] {
            case 90, 122:  // Z, z
                index += 1
            case 43, 45:  // +, -
                let sign: Int64 = bytes[index] == 45 ? -1 : 1
                guard let hours = digits(bytes, index + 1, 2) else { return nil }
                var minutesAt = index + 3
                if minutesAt < bytes.count, bytes[minutesAt] == 58 { minutesAt += 1 }
                guard let minutes = digits(bytes, minutesAt, 2), hours < 24, minutes < 60 else { return nil }
                offsetSeconds = sign * (hours * 3600 + minutes * 60)
                index = minutesAt + 2
            default:
                return nil
            }
        }
        guard index == bytes.count else { return nil }
        let seconds = days(fromCivil: year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return seconds * 1_000_000 + micros
    }

    static func digits(_ bytes: some RandomAccessCollection<UInt8>, _ start: Int, _ count: Int) -> Int64? {
        guard start >= 0, start + count <= bytes.count else { return nil }
        var value: Int64 = 0
        var index = bytes.index(bytes.startIndex, offsetBy: start)
        for _ in 0..<count {
            let byte = bytes[index]
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int64(byte - 48)
            index = bytes.index(after: index)
        }
        return value
    }

    static func daysInMonth(_ year: Int64, _ month: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// Howard Hinnant's days-to-civil conversion (proleptic Gregorian, UTC).
    public static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = z.floorDiv(146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}

extension Int64 {
    public func floorDiv(_ divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
