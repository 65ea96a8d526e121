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
