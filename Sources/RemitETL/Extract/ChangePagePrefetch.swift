import RemitSQL
import RemitStore

extension ChangeFeed {
    /// Reads every change-capture row of the LSN range `(after, through]` and returns how many there are, so that a
    /// ``scanNetChanges(after:through:tables:into:_:)`` of the range that follows finds their pages in memory (the
    /// operating system's page cache under SQLite, the buffer cache or the page cache under PostgreSQL).
    ///
    /// The net-change scan reads the range's rows in small random reads that wait on the disk one after the other:
    /// on a store larger than memory, 1.8 s for a slice of 125,000 changes, 0.38 s once its pages were read by this
    /// query (10M payments, BENCHMARKS.md). The ETL runs it for the slice after next, beside the rest, so the waits
    /// leave the run's path. `op` is in no index: the query must visit each row.
    public func prefetchPages(after: Int64, through: Int64) async throws -> Int {
        guard through > after else { return 0 }
        return try await database.read { connection in
            Int(try await connection.queryFirst("""
                SELECT count(*) AS n FROM change_log WHERE tx_lsn > \(after) AND tx_lsn <= \(through) AND op <> 0
                """)?.int("n") ?? 0)
        }
    }
}
