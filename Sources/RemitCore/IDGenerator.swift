/// Makes Stripe-style object ids (`ch_…`, `cus_…`). Injected so tests get reproducible ids.
public struct IDGenerator: Sendable {
    private let make: @Sendable (_ prefix: String) -> String

    public init(_ make: @escaping @Sendable (_ prefix: String) -> String) {
        self.make = make
    }

    public func callAsFunction(_ prefix: String) -> String { make(prefix) }

    /// 24 random base-62 characters after the prefix (about 143 bits), like Stripe's ids.
    public static let random = IDGenerator { prefix in
        prefix + "_" + RandomText.base62(count: 24)
    }
}

/// Random text from the system's cryptographic generator.
public enum RandomText {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// Draws 64 random bits at a time (one system call per 8 bytes, not per character) and keeps the
    /// bytes below 248 (= 4 × 62), so every character is uniform over the alphabet.
    public static func base62(count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8]()
        bytes.reserveCapacity(count)
        while bytes.count < count {
            var word = generator.next()
            for _ in 0..<8 where bytes.count < count {
                let byte = UInt8(truncatingIfNeeded: word)
                word >>= 8
                if byte < 248 { bytes.append(alphabet[Int(byte % 62)]) }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
