import RemitSQL

/// A position in a change feed: the transaction LSN and the row sequence inside it.
public struct FeedPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var lsn: Int64
    public var sequence: Int64

    public init(lsn: Int64, sequence: Int64) {
        self.lsn = lsn
        self.sequence = sequence
    }

    public static let start = FeedPosition(lsn: 0, sequence: 0)

    public static func < (lhs: FeedPosition, rhs: FeedPosition) -> Bool {
        (lhs.lsn, lhs.sequence) < (rhs.lsn, rhs.sequence)
    }

    public var description: String { "\(lsn).\(sequence)" }
}

/// One captured change of a business row (research data.md §1.1 op codes).
public struct ChangeRecord: Sendable {
    public enum Operation: Int64, Sendable {
        case delete = 1, insert = 2, updateBefore = 3, updateAfter = 4
    }

    public var position: FeedPosition
    public var table: String
    public var operation: Operation
    public var rowKey: String
    /// The row image as a JSON object of its columns.
    public var rowData: String
    public var changedAt: String

    public init(position: FeedPosition, table: String, operation: Operation, rowKey: String, rowData: String,
                changedAt: String) {
        self.position = position
        self.table = table
        self.operation = operation
        self.rowKey = rowKey
        self.rowData = rowData
        self.changedAt = changedAt
    }
}

/// Reads the change capture and the request log in commit order, so that a reader that has read up to
/// the horizon never later finds a row at or below it (research data.md §1.3).
///
/// - SQLite: the horizon is the committed value of `cdc_clock` (writers are serialized and bump it first).
/// - PostgreSQL: rows carry their writer's transaction id; the horizon is just below the oldest transaction
///   still running (`pg_snapshot_xmin`), so every row at or below it is committed or rolled back for good.
public struct ChangeFeed: Sendable {
    package let database: any SQLDatabase

    public init(database: any SQLDatabase) { self.database = database }

    /// The highest LSN whose rows are all final.
    public func horizon() async throws -> Int64 {
        try await database.read { connection in
            try await Self.horizon(on: connection)
        }
    }

    static func horizon(on connection: any SQLConnection) async throws -> Int64 {
        switch connection.dialect {
        case .sqlite:
            return try await connection.queryFirst("SELECT lsn FROM cdc_clock WHERE id = 1")?.int("lsn") ?? 0
        case .postgres:
            return try await connection.queryFirst(
                "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint - 1 AS lsn")?.int("lsn") ?? 0
        }
    }

    /// The highest LSN written so far, committed or not yet visible; `latest − horizon` is the feed's lag.
    public func latestWritten() async throws -> Int64 {
        try await database.read { connection in
            try await connection.queryFirst("SELECT COALESCE(MAX(tx_lsn), 0) AS lsn FROM change_log")?.int("lsn") ?? 0
        }
    }

    /// The highest final LSN with a change stamped before `time` (ISO-8601, `…Z`): where a day's changes end, as SQL
    /// Server's `fn_cdc_map_time_to_lsn('largest less than', t)`. Transactions are stamped when they write, so on
    /// PostgreSQL, where LSNs are transaction ids, a transaction at the boundary may fall on either side; each change
    /// is still taken exactly once.
    public func lastLSN(changedBefore time: String) async throws -> Int64 {
        try await database.read { connection in
            let horizon = try await Self.horizon(on: connection)
            let last = try await connection.queryFirst("""
                SELECT COALESCE(MAX(tx_lsn), 0) AS lsn FROM change_log WHERE changed_at < \(time) AND tx_lsn <= \(horizon)
                """)?.int("lsn") ?? 0
            return last
        }
    }

    /// Cuts the range `(after, through]` into consecutive ranges of about `changes` captured changes each. Cuts fall
    /// between transactions: a transaction's changes stay in one range (which may so hold more). An empty range is one
    /// empty slice.
    public func slices(after: Int64, through: Int64, changes: Int) async throws -> [(after: Int64, through: Int64)] {
        precondition(changes > 0)
        guard through > after else { return [(after, through)] }
        return try await database.read { connection in
            var slices: [(after: Int64, through: Int64)] = []
            var start = after
            while true {
                let end = try await connection.queryFirst("""
                    SELECT tx_lsn FROM change_log WHERE tx_lsn > \(start) AND tx_lsn <= \(through)
                    ORDER BY tx_lsn LIMIT 1 OFFSET \(changes - 1)
                    """)?.int(at: 0)
                guard let end, end < through else {
                    slices.append((start, through))
                    return slices
                }
                slices.append((start, end))
                start = end
            }
        }
    }

    /// Waits until the horizon reaches `lsn` (bounded by `timeout`); returns whether it did.
    public func waitForHorizon(_ lsn: Int64, timeout: Duration = .seconds(30)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while try await horizon() < lsn {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    /// The SQL expression that stamps the current transaction's LSN on a row.
    static func currentLSN(_ dialect: SQLDialect) -> String {
        switch dialect {
        case .sqlite: "(SELECT lsn FROM cdc_clock WHERE id = 1)"
        case .postgres: "pg_current_xact_id()::text::bigint"
        }
    }

    /// Changes after `position` up to and including LSN `through`, in commit order, at most `limit`. A position whose
    /// transaction has been pruned, before or during the read, throws ``ChangeCaptureRetention/RangePruned``.
    public func changes(after position: FeedPosition, through: Int64, limit: Int) async throws -> [ChangeRecord] {
        precondition(limit > 0 && limit <= 100_000)
        let retention = ChangeCaptureRetention(database: database)
        try await retention.requireKept(after: position.lsn)
        // `tx_lsn >= position` first: the index range starts at the position. With the OR alone, SQLite (bound
        // parameters) scanned the index from its start on every page: reading a range was quadratic.
        let changes = try await database.read { connection in
            try await connection.query("""
                SELECT change_id, tx_lsn, table_name, op, row_key, row_data, changed_at FROM change_log
                WHERE tx_lsn >= \(position.lsn) AND (tx_lsn > \(position.lsn) OR change_id > \(position.sequence))
                  AND tx_lsn <= \(through)
                ORDER BY tx_lsn, change_id LIMIT \(limit)
                """).map { row in
                // By position, in the SELECT's order: this runs once per change read.
                ChangeRecord(
                    position: FeedPosition(lsn: row.int(at: 1), sequence: row.int(at: 0)), table: row.string(at: 2),
                    operation: ChangeRecord.Operation(rawValue: row.int(at: 3)) ?? .insert,
                    rowKey: row.string(at: 4), rowData: row.string(at: 5), changedAt: row.string(at: 6))
            }
        }
        try await retention.requireKept(after: position.lsn)
        return changes
    }
}
