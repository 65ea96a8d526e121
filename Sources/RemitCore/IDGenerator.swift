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

    public static func base62(count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: count)
        for index in 0..<count {
            bytes[index] = alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
