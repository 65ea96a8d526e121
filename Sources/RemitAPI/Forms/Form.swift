import RemitCore

/// A decoded `application/x-www-form-urlencoded` body or query, with Stripe's bracket nesting:
/// `a[b]=1`, `a[0]=x`, `a[]=x`, `a[0][k]=v`, and percent-encoded brackets (`expand%5B0%5D`).
public struct Form: Sendable {
    public indirect enum Node: Sendable {
        case value(String)
        case map(Form)
    }

    /// Top-level keys in first-seen order.
    public private(set) var entries: [(key: String, node: Node)] = []

    public init() {}

    public subscript(key: String) -> Node? { entries.first { $0.key == key }?.node }

    public var isEmpty: Bool { entries.isEmpty }

    mutating func insert(path: ArraySlice<String>, value: String, fullKey: String) throws(StripeError) {
        guard let head = path.first else { return }
        let rest = path.dropFirst()
        // `a[]` appends: give each such element a fresh positional key.
        let key = head.isEmpty ? "\u{0}\(entries.count)" : head
        let index = entries.firstIndex { $0.key == key }
        if rest.isEmpty {
            if let index {
                guard case .value = entries[index].node else { throw Self.conflict(fullKey) }
                entries[index].node = .value(value)
            } else {
                entries.append((key, .value(value)))
            }
            return
        }
        var child = Form()
        if let index {
            guard case .map(let existing) = entries[index].node else { throw Self.conflict(fullKey) }
            child = existing
        }
        try child.insert(path: rest, value: value, fullKey: fullKey)
        if let index {
            entries[index].node = .map(child)
        } else {
            entries.append((key, .map(child)))
        }
    }

    static func conflict(_ key: String) -> StripeError {
        StripeError.invalid(key, "Invalid value for \(key): a parameter cannot be both a value and a hash.",
                            code: "parameter_invalid_string")
    }

    /// Parses an encoded body or query string.
    public static func parse(_ text: Substring) throws(StripeError) -> Form {
        var form = Form()
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let rawKey = parts.first, !rawKey.isEmpty else { continue }
            guard let key = PercentDecoding.decode(rawKey), let value = PercentDecoding.decode(parts.count > 1 ? parts[1] : "")
            else {
                throw StripeError(status: 400, type: .invalidRequest, code: "parameter_invalid_string",
                                  message: "Invalid percent-encoding in the request body or query.")
            }
            try form.insert(path: try keyPath(key)[...], value: value, fullKey: key)
        }
        return form
    }

    /// `items[0][price]` → `["items", "0", "price"]`.
    static func keyPath(_ key: String) throws(StripeError) -> [String] {
        guard let open = key.firstIndex(of: "[") else { return [key] }
        var path = [String(key[..<open])]
        var rest = key[open...]
        while !rest.isEmpty {
            guard rest.first == "[", let close = rest.firstIndex(of: "]") else {
                throw StripeError.invalid(key, "Invalid parameter name: \(key)")
            }
            path.append(String(rest[rest.index(after: rest.startIndex)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        guard !path[0].isEmpty else { throw StripeError.invalid(key, "Invalid parameter name: \(key)") }
        return path
    }

    /// Canonical text of all pairs, sorted by key, for idempotency fingerprints.
    public var canonicalText: String {
        var pairs: [(String, String)] = []
        func walk(_ form: Form, prefix: String?) {
            for (key, node) in form.entries {
                let name = prefix.map { "\($0)[\(key)]" } ?? key
                switch node {
                case .value(let value): pairs.append((name, value))
                case .map(let child): walk(child, prefix: name)
                }
            }
        }
        walk(self, prefix: nil)
        return pairs.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }
}

enum PercentDecoding {
    /// Decodes `%XX` and `+` (space). Returns nil for malformed escapes or invalid UTF-8.
    static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hex), let low = iterator.next().flatMap(hex) else { return nil }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
