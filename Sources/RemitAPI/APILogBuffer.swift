import RemitStore
import Synchronization

/// The bounded in-memory queue between requests and the request-log writer.
///
/// A request only appends (O(1), never waits on the database); when the buffer is full the document is
/// dropped and counted, so logging can never slow or block a payment.
public final class APILogBuffer: Sendable {
    private let entries = Mutex<[APILogEntry]>([])
    public let capacity: Int

    public init(capacity: Int = 50_000) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Returns false (and drops the entry) when full.
    public func append(_ entry: APILogEntry) -> Bool {
        entries.withLock { entries in
            guard entries.count < capacity else { return false }
            entries.append(entry)
            return true
        }
    }

    /// Takes up to `limit` of the oldest entries.
    public func drain(limit: Int) -> [APILogEntry] {
        entries.withLock { entries in
            let count = min(limit, entries.count)
            let batch = Array(entries.prefix(count))
            entries.removeFirst(count)
            return batch
        }
    }

    public var count: Int { entries.withLock { $0.count } }
}
