import Foundation

/// Makes Stripe-style object ids (`ch_…`, `cus_…`). Injected so tests get reproducible ids.
public struct IDGenerator: Sendable {
    private let make: @Sendable (_ prefix: String) -> String

    public init(_ make: @escaping @Sendable (_ prefix: String) -> String) {
        self.make = make
    }

    public func callAsFunction(_ prefix: String) -> String { make(prefix) }

    /// 24 base-62 characters after the prefix: 8 of milliseconds since 1970, then 16 random (about 95 bits).
    /// Ids of one kind therefore sort by creation time, so the unique indexes on them grow at their right
    /// edge instead of dirtying a random page per insert (fewer pages written per commit), while staying
    /// unguessable.
    public static let random = IDGenerator { prefix in
        let milliseconds = UInt64(max(0, Date().timeIntervalSince1970 * 1_000))
        return prefix + "_" + RandomText.base62(milliseconds, width: 8) + RandomText.base62(count: 16)
    }
}

/// Random text from the system's cryptographic generator.
public enum RandomText {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// A number in fixed-width base 62 (most significant digit first), so texts sort as the numbers do.
    public static func base62(_ value: UInt64, width: Int) -> String {
        var digits = [UInt8](repeating: alphabet[0], count: width)
        var rest = value
        for index in stride(from: width - 1, through: 0, by: -1) {
            digits[index] = alphabet[Int(rest % 62)]
            rest /= 62
        }
        return String(decoding: digits, as: UTF8.self)
    }

    /// Keeps the bytes below 248 (= 4 × 62), so every character is uniform over the alphabet.
    public static func base62(count: Int) -> String {
        var output = [UInt8]()
        output.reserveCapacity(count)
        while output.count < count {
            for byte in RandomPool.shared.bytes(count - output.count + 4) where output.count < count && byte < 248 {
                output.append(alphabet[Int(byte % 62)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
