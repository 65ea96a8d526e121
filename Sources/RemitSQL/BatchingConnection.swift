import Synchronization

/// Holds back `INSERT`s of a write transaction and sends them together, so a business transaction
/// costs fewer round trips to PostgreSQL.
///
/// - `execute` of an `INSERT` is queued (its row count is not reported: callers of inserts ignore it).
/// - Any `query`, and any other `execute`, first sends what is queued, so every statement still sees
///   the transaction's earlier writes, and writes to one row keep their order.
/// - A second insert into a table that already has one queued first sends the queue: PostgreSQL runs the parts of
///   one statement in no set order, so two rows of one table (two events of one request) would take their
///   identity `seq` out of the order they were written in.
/// - ``flush()`` runs before commit.
/// On PostgreSQL several queued inserts go as one statement of data-modifying CTEs
/// (`WITH w0 AS (INSERT … RETURNING 1), w1 AS (…) INSERT …`: each runs exactly once, to completion);
/// SQLite has no DML in `WITH`, and no round trips to save, so there they run one by one.
public final class BatchingConnection: SQLConnection {
    private let base: any SQLConnection
    private let pending = Mutex<[SQL]>([])
    /// The tables of the queued inserts (PostgreSQL only: SQLite runs the queue one statement at a time, in order).
    private let pendingTables = Mutex<Set<String>>([])
    private let commitHooks = Mutex<[String: @Sendable () -> Void]>([:])
    /// PostgreSQL accepts 65,535 parameters per statement; stay well below.
    static let bindsPerStatementMax = 30_000

    public init(_ base: any SQLConnection) { self.base = base }

    public var dialect: SQLDialect { base.dialect }

    public func query(_ sql: SQL) async throws(DatabaseError) -> [SQLRow] {
        try await flush()
        return try await base.query(sql)
    }

    @discardableResult
    public func execute(_ sql: SQL) async throws(DatabaseError) -> Int {
        if sql.isInsert {
            if dialect == .postgres, let table = sql.insertTarget {
                if pendingTables.withLock({ $0.contains(table) }) { try await flush() }
                pendingTables.withLock { _ = $0.insert(table) }
            }
            pending.withLock { $0.append(sql) }
            return 1
        }
        try await flush()
        return try await base.execute(sql)
    }

    /// Registers work to run once this transaction has committed (once per `key`), e.g. waking the webhook
    /// workers after an event with deliveries. Dropped if the transaction rolls back.
    public func afterCommit(_ key: String, _ hook: @escaping @Sendable () -> Void) {
        commitHooks.withLock { $0[key] = hook }
    }

    /// The hooks registered so far, for the transaction's owner to run after commit.
    public func takeCommitHooks() -> [@Sendable () -> Void] {
        commitHooks.withLock { hooks in
            defer { hooks.removeAll() }
            return Array(hooks.values)
        }
    }

    /// Sends every queued insert.
    public func flush() async throws(DatabaseError) {
        let statements = pending.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
        pendingTables.withLock { $0.removeAll() }
        guard !statements.isEmpty else { return }
        guard dialect == .postgres, statements.count > 1 else {
            for statement in statements { try await base.execute(statement) }
            return
        }
        var group: [SQL] = []
        var binds = 0
        for statement in statements {
            let count = statement.binds.count
            if !group.isEmpty && binds + count > Self.bindsPerStatementMax {
                try await base.execute(Self.combined(group))
                group = []
                binds = 0
            }
            group.append(statement)
            binds += count
        }
        try await base.execute(Self.combined(group))
    }

    /// `WITH w0 AS (INSERT … RETURNING 1), … INSERT …`: the last insert is the main statement, so the whole returns no
    /// rows. Prepared when every part is (the same transactions then send the same text).
    static func combined(_ statements: [SQL]) -> SQL {
        guard statements.count > 1 else { return statements[0] }
        var parts: [SQL] = []
        for (index, statement) in statements.dropLast().enumerated() {
            parts.append("w\(raw: String(index)) AS (\(sql: statement) RETURNING 1)")
        }
        let combined: SQL = "WITH \(sql: SQL.join(parts, separator: ", ")) \(sql: statements[statements.count - 1])"
        return statements.allSatisfy(\.isPrepared) ? combined.prepared() : combined
    }
}

extension SQL {
    /// Whether the statement is an `INSERT` (and so can be queued by ``BatchingConnection``).
    var isInsert: Bool {
        guard case .text(let head)? = pieces.first else { return false }
        return head.drop { $0 == " " || $0 == "\n" }.prefix(6).uppercased() == "INSERT"
    }

    /// The table of an `INSERT INTO <table>` (which ``BatchingConnection`` may queue), or nil for any other statement.
    var insertTarget: String? {
        // The text before the first bound value (raw interpolations, such as a table's name, are text too).
        var head = ""
        for piece in pieces {
            guard case .text(let text) = piece else { break }
            head += text
            if head.utf8.count > 200 { break }
        }
        let words = head.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "(" }).prefix(3)
        guard words.count == 3, words[words.startIndex].uppercased() == "INSERT",
              words[words.startIndex + 1].uppercased() == "INTO" else { return nil }
        return String(words[words.startIndex + 2])
    }
}
