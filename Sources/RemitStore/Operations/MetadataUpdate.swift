import RemitCore

/// A metadata change as Stripe applies it: keys set, keys unset with "", or everything cleared.
public struct MetadataUpdate: Sendable {
    public var clearAll: Bool
    public var entries: [(key: String, value: String)]

    public init(clearAll: Bool = false, entries: [(key: String, value: String)] = []) {
        self.clearAll = clearAll
        self.entries = entries
    }

    public func applied(to metadata: Metadata) throws(StripeError) -> Metadata {
        var result = clearAll ? Metadata() : metadata
        for (key, value) in entries { result.set(key, value) }
        guard result.entries.count <= Metadata.keysMax else {
            throw StripeError.invalid("metadata", "Invalid metadata: metadata cannot have more than \(Metadata.keysMax) keys.")
        }
        return result
    }

    /// Applies the update to `metadata` in place; when that changes it, records the old value under `metadata` in
    /// `previous` (an event's `previous_attributes`).
    public func apply(to metadata: inout Metadata, recordingIn previous: inout [(String, JSONValue)]) throws(StripeError) {
        let merged = try applied(to: metadata)
        guard merged != metadata else { return }
        previous.append(("metadata", metadata.json))
        metadata = merged
    }
}
