import RemitCore

/// A decoded `application/x-www-form-urlencoded` body or query, with Stripe's bracket nesting:
/// `a[b]=1`, `a[0]=x`, `a[]=x`, `a[0][k]=v`, and percent-encoded brackets (`expand%5B0%5D`).
///
/// Built by ``FormParser`` in one pass, within ``FormLimits``; its depth is bounded, so nothing that walks it
/// (or releases it) recurses deeper than ``FormLimits/depthMax``.
public struct Form: Sendable {
    public indirect enum Node: Sendable {
        case value(String)
        case map(Form)
    }

    /// Keys in first-seen order. An `a[]` element's key is a NUL followed by its position (NUL is refused in
    /// every key a client sends, so it cannot collide).
    public private(set) var entries: [(key: String, node: Node)] = []
    private var index = SmallMap()

    public init() {}

    public subscript(key: String) -> Node? {
        index.position(of: key, in: entries.lazy.map(\.key)).map { entries[$0].node }
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// Appends a key the form does not hold yet (the parser checks).
    mutating func append(_ key: String, _ node: Node) {
        entries.append((key, node))
        index.appended(key, in: entries.lazy.map(\.key))
    }

    /// Parses an encoded body or query string (see ``FormParser``).
    public static func parse(_ text: Substring) throws(StripeError) -> Form {
        try parse(bytes: text.utf8)
    }

    /// Parses encoded bytes: a body as received, before any decoding to `String`.
    public static func parse(bytes: some Collection<UInt8>) throws(StripeError) -> Form {
        let parsed = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(StripeError) in try FormParser.parse(buffer) }
        } ?? Array(bytes).withUnsafeBufferPointer { buffer in
            Result { () throws(StripeError) in try FormParser.parse(buffer) }
        }
        return try parsed.get()
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
