import RemitSQL
import RemitStore

/// A row's net change over an LSN range (research data.md §1.1), as ``ChangeFeed/scanNetChanges(after:through:tables:into:_:)``
/// hands it over: the row's last change, read in place. Valid only inside the callback that received it.
public struct NetChangeRow {
    fileprivate let cursor: any SQLCursor

    /// Whether the row belongs to the captured table whose name is `name` (UTF-8), without making a string.
    public func isTable(_ name: [UInt8]) -> Bool {
        cursor.withUTF8(at: 0) { $0.elementsEqual(name) }
    }

    public var table: String { cursor.string(at: 0) }
    public var key: String { cursor.string(at: 1) }
    /// The row was deleted by the range (and existed before it: a row inserted and deleted inside the range nets
    /// to nothing and is not scanned).
    public var deleted: Bool { cursor.int(at: 2) == ChangeRecord.Operation.delete.rawValue }
    /// The LSN of the row's last change.
    public var lsn: Int64 { cursor.int(at: 3) }
    /// The change-capture row that holds the last image (``ChangeFeed/images(changeIDs:)`` reads it back).
    public var changeID: Int64 { cursor.int(at: 4) }
    /// The row's first change in the range: net changes come back in no particular order; this one orders them as
    /// the rows first changed.
    public var firstChangeID: Int64 { cursor.int(at: 5) }
    /// The row's first change in the range inserted it: the row did not exist before the range.
    public var createdInRange: Bool { cursor.int(at: 8) == ChangeRecord.Operation.insert.rawValue }

    /// The commit time of the last change (ISO-8601), as UTF-8 bytes.
    public func withChangedAt<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        cursor.withUTF8(at: 6, body)
    }

    /// The last image (for a delete: the image the row had when deleted), a JSON object of its columns, as UTF-8.
    public func withImage<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        cursor.withUTF8(at: 7, body)
    }
}

extension ChangeFeed {
    /// The net change of every row of `tables` that changed in the LSN range `(after, through]`, reduced by the
    /// store: one query groups the range by row and joins each group's first change (did the row exist before the
    /// range?) and last change (its final image). Nothing but the current row is in memory, so a range of any size
    /// can be read; the store sorts (a temporary B-tree on SQLite, a hash or a sort on PostgreSQL).
    ///
    /// A row's changes are ordered by `change_id`. The capture writes a row's change after taking the row's lock, so
    /// for one row that is the commit order on both engines (on PostgreSQL, `tx_lsn` is the transaction id, assigned
    /// at the transaction's first write, which a later writer of the same row can precede).
    ///
    /// Each row is folded into `state` (the reader's own accumulator), which is returned. A range whose start has been
    /// pruned (``ChangeCaptureRetention``), before or during the read, throws ``ChangeCaptureRetention/RangePruned``.
    public func scanNetChanges<State: Sendable>(after: Int64, through: Int64, tables: [String], into state: State,
                                                _ row: @Sendable (inout State, NetChangeRow) -> Void) async throws -> State {
        guard through > after, !tables.isEmpty else { return state }
        let retention = ChangeCaptureRetention(database: database)
        try await retention.requireKept(after: after)
        let names = SQL.join(tables.map { "\($0)" }, separator: ", ")
        let scanned = try await database.read { connection in
            var state = state
            try await connection.scan("""
                SELECT last.table_name, last.row_key, last.op, last.tx_lsn, last.change_id, ranged.first_id,
                    last.changed_at, last.row_data, first.op
                FROM (SELECT MIN(change_id) AS first_id, MAX(change_id) AS last_id FROM change_log
                      WHERE tx_lsn > \(after) AND tx_lsn <= \(through) AND table_name IN (\(sql: names))
                      GROUP BY table_name, row_key) AS ranged
                JOIN change_log AS last ON last.change_id = ranged.last_id
                JOIN change_log AS first ON first.change_id = ranged.first_id
                WHERE NOT (first.op = \(ChangeRecord.Operation.insert.rawValue)
                           AND last.op = \(ChangeRecord.Operation.delete.rawValue))
                """) { cursor in
                row(&state, NetChangeRow(cursor: cursor))
            }
            return state
        }
        try await retention.requireKept(after: after)
        return scanned
    }

    /// Row images by change-capture id (the quarantine's copy of a rejected row).
    public func images(changeIDs: [Int64]) async throws -> [Int64: String] {
        try await database.read { connection in
            var found: [Int64: String] = [:]
            var start = 0
            while start < changeIDs.count {
                let chunk = changeIDs[start..<min(start + 1_000, changeIDs.count)]
                let ids = SQL.join(chunk.map { "\($0)" }, separator: ", ")
                for row in try await connection.query("SELECT change_id, row_data FROM change_log WHERE change_id IN (\(sql: ids))") {
                    found[row.int(at: 0)] = row.string(at: 1)
                }
                start += 1_000
            }
            return found
        }
    }
}
