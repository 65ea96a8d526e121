/// The operator's lookup tables behind the country and domain features, held in memory for the charge path:
/// card BIN prefixes → issuing country, IPv4 ranges → country, email domains → registration date.
public struct ReferenceData: Sendable {
    /// Prefix (6–8 digits) → ISO country; the longest matching prefix wins.
    public var cardBins: [String: String] = [:]
    /// Sorted, non-overlapping IPv4 ranges.
    public var ipRanges: [IPRange] = []
    /// Domain (lower case) → registration time (Unix seconds).
    public var emailDomains: [String: Int64] = [:]

    /// 12 bytes per range: a full IPv4 country table (a few hundred thousand ranges) stays a few megabytes.
    public struct IPRange: Sendable, Equatable {
        public var first: UInt32
        public var last: UInt32
        /// Two ASCII letters packed into 16 bits.
        var packedCountry: UInt16

        public init(first: UInt32, last: UInt32, country: String) {
            self.first = first
            self.last = last
            let letters = Array(country.uppercased().utf8.prefix(2))
            packedCountry = letters.count == 2 ? UInt16(letters[0]) << 8 | UInt16(letters[1]) : 0
        }

        public var country: String {
            String(decoding: [UInt8(packedCountry >> 8), UInt8(packedCountry & 0xFF)], as: UTF8.self)
        }
    }

    public init() {}

    public func country(ofCardNumberPrefix digits: String) -> String? {
        for length in stride(from: min(8, digits.count), through: 6, by: -1) {
            if let country = cardBins[String(digits.prefix(length))] { return country }
        }
        return nil
    }

    public func country(ofIP text: String) -> String? {
        guard let address = Self.ipv4(text) else { return nil }
        var low = 0, high = ipRanges.count
        while low < high {
            let middle = (low + high) / 2
            if ipRanges[middle].first <= address { low = middle + 1 } else { high = middle }
        }
        guard low > 0, ipRanges[low - 1].last >= address else { return nil }
        return ipRanges[low - 1].country
    }

    /// Days from the domain's registration to `now`; nil for an unknown domain.
    public func emailDomainAgeDays(email: String, now: Int64) -> Double? {
        guard let at = email.lastIndex(of: "@") else { return nil }
        let domain = email[email.index(after: at)...].lowercased()
        guard let registered = emailDomains[domain] else { return nil }
        return Double(max(0, now - registered)) / 86_400
    }

    /// `a.b.c.d` → its 32-bit value.
    public static func ipv4(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard let octet = UInt8(part) else { return nil }
            value = value << 8 | UInt32(octet)
        }
        return value
    }
}
