/// The current row of a ``SQLConnection/scan(_:_:)``, read in place by column position: nothing is copied out but
/// what the reader asks for. Valid only inside the call that received it.
public protocol SQLCursor {
    func isNull(at index: Int) -> Bool
    func int(at index: Int) -> Int64
    func double(at index: Int) -> Double
    func string(at index: Int) -> String
    /// The column's text as UTF-8 bytes, without making a `String` (empty for NULL).
    func withUTF8<Result>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result
}

extension SQLCursor {
    public func optionalInt(at index: Int) -> Int64? { isNull(at: index) ? nil : int(at: index) }
    public func optionalString(at index: Int) -> String? { isNull(at: index) ? nil : string(at: index) }
}

/// A materialized row is a cursor too: engines without a row-by-row path scan through ``SQLConnection/query(_:)``.
extension SQLRow: SQLCursor {
    public func isNull(at index: Int) -> Bool {
        if case .null = values[index] { return true }
        return false
    }

    public func withUTF8<Result>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if isNull(at: index) { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        var text = string(at: index)
        return text.withUTF8(body)
    }
}
