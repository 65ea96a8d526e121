import RemitCore
import RemitSQL

/// How long the change capture keeps what its consumers have taken (migration 11).
///
/// A consumer (the nightly ETL, named ``etlConsumer``) confirms the LSN through which it has durably loaded the feed,
/// as a logical replication slot confirms its flush position. ``prune(olderThan:batch:progress:)`` then deletes
/// the changes at or below the smallest confirmed LSN that are older than the retention, a bounded batch per
/// transaction (SQLite's one writer is never held for long), and advances the low watermark. With no consumer,
/// nothing is pruned. A read of a range that starts below the watermark fails with ``RangePruned``.
public struct ChangeCaptureRetention: Sendable {
    /// The nightly ETL's name among the feed's consumers.
    public static let etlConsumer = "etl"
    /// Changes deleted per transaction.
    public static let defaultBatch = 2_000

    /// A read of changes that are no longer kept.
    public struct RangePruned: Error, CustomStringConvertible {
        /// The range asked for starts after this LSN…
        public let after: Int64
        /// …but every change at or below this one may have been deleted.
        public let prunedThrough: Int64

        public var description: String {
            "the change capture through LSN \(prunedThrough) has been pruned (retention), so the range after LSN \(after) "
                + "cannot be read whole; a warehouse that has not loaded it must be rebuilt from a copy taken before "
                + "the pruning, or the retention raised before it runs again"
        }
    }

    /// What one pruning did.
    public struct Report: Sendable, Equatable, CustomStringConvertible {
        public var deleted = 0
        /// The low watermark afterwards.
        public var prunedThrough: Int64 = 0
        /// The LSN through which every consumer has confirmed (nil: no consumer yet, nothing may go).
        public var confirmedThrough: Int64?

        public var description: String {
            guard let confirmedThrough else { return "no consumer has confirmed the change feed yet: nothing pruned" }
            return "\(deleted) changes pruned; changes after LSN \(prunedThrough) are kept (consumers confirmed LSN \(confirmedThrough))"
        }
    }

    let database: any SQLDatabase

    public init(database: any SQLDatabase) { self.database = database }

    /// Records that `consumer` has durably taken every change through `lsn`. A consumer that goes back (a warehouse
    /// restored from a copy) is recorded as it says: what it no longer has is kept from then on.
    public func confirm(consumer: String, through lsn: Int64, at time: String) async throws {
        _ = try await database.write { connection in
            try await connection.execute("""
                INSERT INTO change_feed_consumers (name, confirmed_lsn, confirmed_at) VALUES (\(consumer), \(lsn), \(time))
                ON CONFLICT (name) DO UPDATE SET confirmed_lsn = excluded.confirmed_lsn, confirmed_at = excluded.confirmed_at
                """)
        }
    }

    /// Every change at or below this LSN may have been deleted.
    public func prunedThrough() async throws -> Int64 {
        try await database.read { connection in try await Self.prunedThrough(on: connection) }
    }

    static func prunedThrough(on connection: any SQLConnection) async throws -> Int64 {
        try await connection.queryFirst("SELECT pruned_through_lsn FROM change_log_retention WHERE id = 1")?.int(at: 0) ?? 0
    }

    /// Throws ``RangePruned`` unless every change after `after` is still kept.
    public func requireKept(after: Int64) async throws {
        let pruned = try await prunedThrough()
        guard after >= pruned else { throw RangePruned(after: after, prunedThrough: pruned) }
    }

    /// The smallest LSN confirmed by the consumers, or nil when there is none.
    public func confirmedThrough() async throws -> Int64? {
        try await database.read { connection in
            try await connection.queryFirst("SELECT MIN(confirmed_lsn) AS lsn FROM change_feed_consumers")?.optionalInt("lsn")
        }
    }

    /// Deletes the changes that every consumer has confirmed and that were stamped before `cutoff` (ISO-8601), in
    /// transactions of about `batch` changes, oldest first; stops at the first batch holding a newer change. Several
    /// nodes may prune at once: each batch moves the watermark only from the value it read, so a batch is done once.
    public func prune(olderThan cutoff: String, batch: Int = defaultBatch,
                      progress: @Sendable (Report) -> Void = { _ in }) async throws -> Report {
        precondition(batch > 0)
        var report = Report()
        guard let confirmed = try await confirmedThrough() else { return report }
        report.confirmedThrough = confirmed
        report.prunedThrough = try await prunedThrough()
        while report.prunedThrough < confirmed {
            try Task.checkCancellation()
            let from = report.prunedThrough
            let step = try await database.write { connection -> (deleted: Int, through: Int64)? in
                // The batch ends at the LSN of its `batch`-th change (a transaction is never split), or at the
                // confirmed LSN when fewer remain. Changes this old are final: nothing is added below the horizon.
                let end = try await connection.queryFirst("""
                    SELECT tx_lsn FROM change_log WHERE tx_lsn > \(from) AND tx_lsn <= \(confirmed)
                    ORDER BY tx_lsn LIMIT 1 OFFSET \(batch - 1)
                    """)?.int(at: 0) ?? confirmed
                let newest = try await connection.queryFirst("""
                    SELECT MAX(changed_at) AS newest FROM change_log WHERE tx_lsn > \(from) AND tx_lsn <= \(end)
                    """)?.optionalString("newest")
                if let newest, newest >= cutoff { return nil }
                let moved = try await connection.execute("""
                    UPDATE change_log_retention SET pruned_through_lsn = \(end), pruned_at = \(Timestamp.now())
                    WHERE id = 1 AND pruned_through_lsn = \(from)
                    """)
                guard moved == 1 else { return (0, try await Self.prunedThrough(on: connection)) }
                let deleted = try await connection.execute("""
                    DELETE FROM change_log WHERE tx_lsn > \(from) AND tx_lsn <= \(end)
                    """)
                return (deleted, end)
            }
            guard let step else { break }
            report.deleted += step.deleted
            report.prunedThrough = step.through
            progress(report)
        }
        return report
    }
}
