/// One closed window of one group: a row of the query's sink table.
public struct WindowRow: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case integer(Int64)
        /// A real number; nil when it has no value (an average of nothing).
        case real(Double?)
    }

    public var query: String
    /// The source of the events (`live`, `import:<name>`).
    public var source = ""
    /// Milliseconds since 1970 (the window's `System.Timestamp()`).
    public var windowEnd: Int64
    /// The group's values, in the query's `groupBy` order (nil: no merchant, e.g. an unauthenticated request).
    public var keys: [String?]
    /// In the query's `aggregates` order.
    public var values: [Value]
    /// Whether the row satisfies the query's HAVING condition.
    public var flagged: Bool

    public init(query: String, windowEnd: Int64, keys: [String?], values: [Value], flagged: Bool) {
        self.query = query
        self.windowEnd = windowEnd
        self.keys = keys
        self.values = values
        self.flagged = flagged
    }

    public func integer(_ index: Int) -> Int64 {
        if case .integer(let value) = values[index] { return value }
        preconditionFailure("aggregate \(index) of \(query) is not an integer")
    }
}
