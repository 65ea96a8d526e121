import Foundation
import RemitSQL
import Synchronization

/// The embedded engine: one SQLite file in WAL mode, one writer connection, a few reader connections, and a
/// connection that checkpoints the WAL beside the writer (``BackgroundCheckpointer``).
///
/// Writers are serialized (SQLite allows one writer at a time anyway) and group-committed: concurrent
/// write transactions share one `BEGIN IMMEDIATE … COMMIT`, each isolated in a savepoint (``GroupCommit``).
/// Statements run synchronously on the calling task: they take microseconds and never wait on the network.
public final class SQLiteDatabase: SQLDatabase {
    /// How hard a commit tries to reach the disk.
    public enum Synchronous: String, Sendable {
        /// WAL + NORMAL: a commit survives a process crash; the last commits may be lost on power loss.
        case normal = "NORMAL"
        /// WAL + FULL: every commit is fsynced; survives power loss, costs an fsync per commit.
        case full = "FULL"
    }

    public let dialect = SQLDialect.sqlite
    public let path: String
    private let writer: SQLiteHandle
    private let groupCommit: GroupCommit
    private let checkpointer: BackgroundCheckpointer
    private let readers: [(handle: SQLiteHandle, lock: AsyncLock)]
    private let nextReader = Atomic<Int>(0)

    public init(path: String, synchronous: Synchronous = .normal, readerCount: Int = 4) throws {
        precondition(readerCount >= 1 && readerCount <= 64)
        self.path = path
        writer = try SQLiteHandle(path: path, synchronous: synchronous)
        // Checkpoints run beside the writer, with a backstop in it that keeps the WAL bounded (see
        // BackgroundCheckpointer and BENCHMARKS.md).
        checkpointer = try BackgroundCheckpointer(path: path, synchronous: synchronous)
        checkpointer.attach(to: writer)
        groupCommit = GroupCommit(handle: writer)
        readers = try (0..<readerCount).map { _ in (try SQLiteHandle(path: path, synchronous: synchronous), AsyncLock()) }
    }

    deinit {
        writer.removeWALHook()
        checkpointer.stop()
    }

    public func write<T: Sendable>(_ body: @Sendable @escaping (any SQLConnection) async throws -> T) async throws -> T {
        try await groupCommit.write(body)
    }

    /// Runs `body` on a free reader: the first free one from a rotating start, or, when all are busy, the one at the
    /// start (waiting for it). A long read (the ETL's scan of a slice) so never holds up a read that another reader
    /// could take.
    public func read<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        let start = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue
        let free = (0..<readers.count).lazy.map { (start + $0) % self.readers.count }
            .first { self.readers[$0].lock.tryLock() }
        let reader = readers[free ?? start % readers.count]
        if free == nil { await reader.lock.lock() }
        defer { reader.lock.unlock() }
        try reader.handle.exec("BEGIN")
        defer { try? reader.handle.exec("COMMIT") }
        return try await body(SQLiteConnection(handle: reader.handle))
    }
}

/// The connection handed to a transaction body.
struct SQLiteConnection: SQLConnection {
    let handle: SQLiteHandle
    var dialect: SQLDialect { .sqlite }

    func query(_ sql: SQL) async throws(DatabaseError) -> [SQLRow] {
        try handle.run(sql).rows
    }

    @discardableResult
    func execute(_ sql: SQL) async throws(DatabaseError) -> Int {
        try handle.run(sql).changes
    }

    func scan(_ sql: SQL, _ row: (any SQLCursor) -> Void) async throws(DatabaseError) {
        try handle.scan(sql, row)
    }

    func insertRows(into table: String, columns: [String], casts: [Int: String], conflict: SQL, count: Int,
                    row: (Int) -> [SQLValue]) async throws(DatabaseError) {
        guard count > 0 else { return }
        try handle.runEach(Self.singleRowInsert(into: table, columns: columns, casts: casts, conflict: conflict,
                                                dialect: .sqlite),
                           count: count, row: row)
    }
}
