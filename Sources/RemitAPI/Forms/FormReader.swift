import RemitCore
import RemitStore

/// Reads typed parameters from a ``Form`` and rejects any parameter nobody read (`parameter_unknown`).
///
/// Every error names the parameter as the client wrote it (`source[exp_month]`, `metadata[k]`).
public struct FormReader {
    let form: Form
    let prefix: String?
    private var consumed: Set<String> = []

    public init(_ form: Form, prefix: String? = nil) {
        self.form = form
        self.prefix = prefix
    }

    func name(_ key: String) -> String { prefix.map { "\($0)[\(key)]" } ?? key }

    public mutating func string(_ key: String, maxLength: Int = 5_000) throws(StripeError) -> String? {
        consumed.insert(key)
        guard let node = form[key] else { return nil }
        guard case .value(let value) = node else {
            throw StripeError.invalid(name(key), "Invalid string: \(name(key)) must be a string, not a hash.")
        }
        guard value.count <= maxLength else {
            throw StripeError.invalid(name(key), "Invalid string: \(name(key)) must be at most \(maxLength) characters.")
        }
        return value
    }

    public mutating func requiredString(_ key: String, maxLength: Int = 5_000) throws(StripeError) -> String {
        guard let value = try string(key, maxLength: maxLength), !value.isEmpty else { throw StripeError.missing(name(key)) }
        return value
    }

    public mutating func int(_ key: String) throws(StripeError) -> Int64? {
        guard let text = try string(key, maxLength: 40) else { return nil }
        guard let value = Int64(text) else { throw StripeError.invalidInteger(name(key), text) }
        return value
    }

    public mutating func bool(_ key: String) throws(StripeError) -> Bool? {
        guard let text = try string(key, maxLength: 10) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default:
            throw StripeError.invalid(name(key), "Invalid boolean: \(text)", code: "parameter_invalid_boolean")
        }
    }

    /// A value from a fixed set.
    public mutating func choice(_ key: String, _ allowed: Set<String>) throws(StripeError) -> String? {
        guard let value = try string(key, maxLength: 100) else { return nil }
        guard allowed.contains(value) else {
            throw StripeError.invalid(name(key), "Invalid \(name(key)): must be one of \(allowed.sorted().joined(separator: ", "))")
        }
        return value
    }

    public mutating func currency(_ key: String = "currency") throws(StripeError) -> Currency {
        let text = try requiredString(key, maxLength: 10)
        guard let currency = Currency(text) else {
            throw StripeError.invalid(name(key), "Invalid currency: \(text.lowercased()). Remit currently supports these currencies: usd, eur, gbp, jpy, and the other Stripe presentment currencies.",
                                      code: "parameter_invalid_string")
        }
        return currency
    }

    /// A nested hash, read by its own reader (whose unknown keys are checked with ``finish()``).
    public mutating func hash(_ key: String) throws(StripeError) -> FormReader? {
        consumed.insert(key)
        guard let node = form[key] else { return nil }
        switch node {
        case .map(let child): return FormReader(child, prefix: name(key))
        case .value(let text):
            // `address=` (empty) clears a hash in Stripe's API.
            if text.isEmpty { return FormReader(Form(), prefix: name(key)) }
            throw StripeError.invalid(name(key), "Invalid hash: \(name(key)) must be a hash.")
        }
    }

    /// An array in any of `a[]=x`, `a[0]=x` or a single `a=x`.
    public mutating func array(_ key: String, maxCount: Int = 100) throws(StripeError) -> [String]? {
        consumed.insert(key)
        guard let node = form[key] else { return nil }
        switch node {
        case .value(let value): return value.isEmpty ? [] : [value]
        case .map(let child):
            var indexed: [(Int, String)] = []
            for (position, (index, element)) in child.entries.enumerated() {
                guard case .value(let value) = element else {
                    throw StripeError.invalid(name(key), "Invalid array: \(name(key)) must hold strings.")
                }
                let order = index.hasPrefix("\u{0}") ? 1_000_000 + position : Int(index)
                guard let order else { throw StripeError.invalid(name(key), "Invalid array: \(name(key))[\(index)]") }
                indexed.append((order, value))
            }
            guard indexed.count <= maxCount else {
                throw StripeError.invalid(name(key), "Invalid array: \(name(key)) has more than \(maxCount) elements.")
            }
            return indexed.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// `metadata[k]=v` with Stripe's limits; `metadata=` clears every key.
    public mutating func metadata(_ key: String = "metadata") throws(StripeError) -> MetadataUpdate? {
        consumed.insert(key)
        guard let node = form[key] else { return nil }
        let param = name(key)
        switch node {
        case .value(let text):
            guard text.isEmpty else { throw StripeError.invalid(param, "Invalid metadata: metadata must be a hash.") }
            return MetadataUpdate(clearAll: true)
        case .map(let child):
            var entries: [(key: String, value: String)] = []
            for (entryKey, value) in child.entries {
                guard case .value(let text) = value else {
                    throw StripeError.invalid(param, "Invalid metadata: values must be strings.")
                }
                guard !entryKey.isEmpty, !entryKey.hasPrefix("\u{0}") else {
                    throw StripeError.invalid(param, "Invalid metadata: keys must not be empty.")
                }
                guard entryKey.count <= Metadata.keyLengthMax else {
                    throw StripeError.invalid(param, "Invalid metadata: keys can be at most \(Metadata.keyLengthMax) characters long.")
                }
                guard !entryKey.contains("[") && !entryKey.contains("]") else {
                    throw StripeError.invalid(param, "Invalid metadata: keys cannot contain '[' or ']'.")
                }
                guard text.count <= Metadata.valueLengthMax else {
                    throw StripeError.invalid(param, "Invalid metadata: values can be at most \(Metadata.valueLengthMax) characters long.")
                }
                entries.append((entryKey, text))
            }
            guard entries.count <= Metadata.keysMax else {
                throw StripeError.invalid(param, "Invalid metadata: metadata cannot have more than \(Metadata.keysMax) keys.")
            }
            return MetadataUpdate(entries: entries)
        }
    }

    /// Marks a parameter as accepted without reading it (e.g. `expand`, read elsewhere).
    public mutating func accept(_ key: String) { consumed.insert(key) }

    /// Parameters every request may carry: `key`, the API key as Stripe.js sends it (the authenticator read it).
    static let authenticationParameters: Set<String> = ["key"]

    /// Throws `parameter_unknown` for the first parameter nobody read.
    public func finish() throws(StripeError) {
        for (key, _) in form.entries where !consumed.contains(key)
            && !(prefix == nil && Self.authenticationParameters.contains(key)) {
            throw StripeError.unknown(name(key.hasPrefix("\u{0}") ? "" : key))
        }
    }

    /// A hash's content as a JSON object of strings (addresses, business profiles), or "" for `key=`.
    public mutating func stringHash(_ key: String, allowed: Set<String>) throws(StripeError) -> String? {
        guard var child = try hash(key) else { return nil }
        var fields: [(String, JSONValue)] = []
        if child.form.isEmpty { return "" }
        for field in allowed.sorted() {
            if let value = try child.string(field) { fields.append((field, value.isEmpty ? .null : .string(value))) }
        }
        try child.finish()
        return JSONValue.object(fields).rendered()
    }
}
