import Foundation
import RemitCore

/// Reads the operator's reference files in the common free layouts.
///
/// - Card BINs: a CSV with a header naming a prefix column (`bin`, `iin` or `prefix`) and a country column
///   (`alpha_2`, `country_code`, `country` or `country_alpha2`), e.g. the binlist data set.
/// - IPv4 ranges: rows `first,last,country[,…]` with addresses dotted or as integers, with or without a header,
///   as DB-IP Lite (`ip_start,ip_end,country`) and IP2Location LITE DB1 (`"ip_from","ip_to","country_code",…`)
///   ship them; IPv6 rows are skipped.
/// - Email domains: rows `domain,registered` with the registration date as `YYYY-MM-DD` or Unix seconds.
public enum ReferenceFiles {
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    public static func cardBins(_ text: String) throws(Problem) -> [String: String] {
        var lines = rows(text)
        guard let header = lines.first?.map({ $0.lowercased() }) else { throw Problem("the BIN file is empty") }
        guard let prefixColumn = header.firstIndex(where: { ["bin", "iin", "prefix"].contains($0) }),
              let countryColumn = header.firstIndex(where: { ["alpha_2", "country_code", "country_alpha2", "country"].contains($0) })
        else { throw Problem("the BIN file needs a header with a bin (or iin, prefix) column and an alpha_2 (or country_code) column") }
        lines.removeFirst()
        var table: [String: String] = [:]
        for (number, row) in lines.enumerated() where row.count > max(prefixColumn, countryColumn) {
            let prefix = row[prefixColumn], country = row[countryColumn].uppercased()
            guard (6...8).contains(prefix.count), prefix.allSatisfy(\.isNumber) else {
                throw Problem("line \(number + 2): \"\(prefix)\" is not a 6 to 8 digit BIN")
            }
            guard country.isEmpty || isCountry(country) else {
                throw Problem("line \(number + 2): \"\(country)\" is not a two-letter country code")
            }
            if !country.isEmpty { table[prefix] = country }
        }
        return table
    }

    public static func ipRanges(_ text: String) throws(Problem) -> [ReferenceData.IPRange] {
        var ranges: [ReferenceData.IPRange] = []
        for (number, row) in rows(text).enumerated() where row.count >= 3 {
            if row[0].contains(":") { continue }  // IPv6
            guard let first = address(row[0]), let last = address(row[1]) else {
                if number == 0 { continue }  // a header
                throw Problem("line \(number + 1): \"\(row[0])\" – \"\(row[1])\" is not an IPv4 range")
            }
            let country = row[2].uppercased()
            guard first <= last else { throw Problem("line \(number + 1): the range ends before it starts") }
            guard isCountry(country) else {
                if country == "-" || country == "ZZ" || country.isEmpty { continue }  // unassigned
                throw Problem("line \(number + 1): \"\(row[2])\" is not a two-letter country code")
            }
            ranges.append(ReferenceData.IPRange(first: first, last: last, country: country))
        }
        ranges.sort { $0.first < $1.first }
        for (previous, next) in zip(ranges, ranges.dropFirst()) where next.first <= previous.last {
            throw Problem("ranges overlap at \(format(next.first))")
        }
        return ranges
    }

    public static func emailDomains(_ text: String) throws(Problem) -> [String: Int64] {
        var domains: [String: Int64] = [:]
        for (number, row) in rows(text).enumerated() where row.count >= 2 {
            let domain = row[0].lowercased()
            guard let registered = date(row[1]) else {
                if number == 0 { continue }  // a header
                throw Problem("line \(number + 1): \"\(row[1])\" is not a date (YYYY-MM-DD) or Unix seconds")
            }
            guard domain.contains("."), !domain.contains("@"), !domain.contains(" ") else {
                throw Problem("line \(number + 1): \"\(row[0])\" is not a domain")
            }
            domains[domain] = registered
        }
        return domains
    }

    static func rows(_ text: String) -> [[String]] {
        StorableText.from(text).split(whereSeparator: \.isNewline).map { line in
            line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" \t"))
            }
        }.filter { !($0.first?.hasPrefix("#") ?? true) }
    }

    static func address(_ text: String) -> UInt32? {
        if let dotted = ReferenceData.ipv4(text) { return dotted }
        if let integer = UInt64(text), integer <= UInt64(UInt32.max) { return UInt32(integer) }
        return nil
    }

    static func isCountry(_ text: String) -> Bool { text.count == 2 && text.allSatisfy { $0.isASCII && $0.isLetter } }

    static func date(_ text: String) -> Int64? {
        if let seconds = Int64(text) { return seconds }
        let parts = text.prefix(10).split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        var components = DateComponents()
        (components.year, components.month, components.day) = (parts[0], parts[1], parts[2])
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: components).map { Int64($0.timeIntervalSince1970) }
    }

    static func format(_ address: UInt32) -> String {
        "\(address >> 24).\(address >> 16 & 255).\(address >> 8 & 255).\(address & 255)"
    }
}
