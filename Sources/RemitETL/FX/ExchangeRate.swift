import Foundation

/// A reference rate as published: units of a currency per euro, as an exact decimal (`1.0543` = 10543 × 10⁻⁴).
public struct ExchangeRate: Sendable, Equatable, CustomStringConvertible {
    public let mantissa: Int64
    public let scale: Int

    public init(mantissa: Int64, scale: Int) {
        self.mantissa = mantissa
        self.scale = scale
    }

    /// `1.0543`, `162.12`, `1`; nil for anything else (ECB's `N/A`, negatives, exponents).
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              parts.count == 1 || !parts[1].isEmpty, trimmed.count <= 18,
              let mantissa = Int64(parts.joined()), mantissa > 0 else { return nil }
        self.init(mantissa: mantissa, scale: parts.count == 2 ? parts[1].count : 0)
    }

    public static let one = ExchangeRate(mantissa: 1, scale: 0)

    public var description: String {
        guard scale > 0 else { return String(mantissa) }
        let digits = String(mantissa)
        let padded = String(repeating: "0", count: max(0, scale + 1 - digits.count)) + digits
        return padded.dropLast(scale) + "." + padded.suffix(scale)
    }
}
