import Foundation

/// A Stripe metadata map: up to 50 string keys (≤ 40 characters, no brackets) with string values (≤ 500).
public struct Metadata: Sendable, Equatable {
    public private(set) var entries: [(key: String, value: String)]

    public static let keysMax = 50
    public static let keyLengthMax = 40
    public static let valueLengthMax = 500

    public init() { entries = [] }

    public init(entries: [(key: String, value: String)]) { self.entries = entries }

    public static func == (lhs: Metadata, rhs: Metadata) -> Bool {
        lhs.entries.map(\.key) == rhs.entries.map(\.key) && lhs.entries.map(\.value) == rhs.entries.map(\.value)
    }

    public subscript(key: String) -> String? { entries.first { $0.key == key }?.value }

    /// Sets a key; an empty value removes it (Stripe's "unset" rule).
    public mutating func set(_ key: String, _ value: String) {
        entries.removeAll { $0.key == key }
        if !value.isEmpty { entries.append((key, value)) }
    }

    public var json: JSONValue { .object(entries.map { ($0.key, .string($0.value)) }) }

    /// The stored text form: a JSON object of strings.
    public var storageText: String { json.rendered() }

    public init(storageText: String) {
        guard let data = storageText.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: String]
        else {
            self.init()
            return
        }
        self.init(entries: object.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }
}
