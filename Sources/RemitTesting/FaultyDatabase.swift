import RemitSQL
import Synchronization

/// A real database whose next reads fail with a connection error, as a store that went away would: the way to
/// test retries and alerts of code that reads another system. Writes pass through untouched.
public final class FaultyDatabase: SQLDatabase {
    public let base: any SQLDatabase
    private let failuresLeft: Mutex<Int>
    private let readsSeen = Mutex(0)

    /// - Parameter failingReads: how many reads fail before they succeed again (`Int.max`: all of them).
    public init(_ base: any SQLDatabase, failingReads: Int) {
        self.base = base
        failuresLeft = Mutex(failingReads)
    }

    public var dialect: SQLDialect { base.dialect }

    /// Reads attempted so far, failed or not.
    public var reads: Int { readsSeen.withLock { $0 } }

    public func heal() { failuresLeft.withLock { $0 = 0 } }

    public func write<T: Sendable>(_ body: @Sendable @escaping (any SQLConnection) async throws -> T) async throws -> T {
        try await base.write(body)
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        readsSeen.withLock { $0 += 1 }
        let fail = failuresLeft.withLock { left -> Bool in
            guard left > 0 else { return false }
            if left != Int.max { left -= 1 }
            return true
        }
        if fail { throw DatabaseError(.connection, "connection refused (injected by FaultyDatabase)") }
        return try await base.read(body)
    }
}
