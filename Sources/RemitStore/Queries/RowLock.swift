import RemitCore
import RemitSQL

/// How a transaction reads a row it is about to change, and how it writes the change.
///
/// On PostgreSQL (READ COMMITTED) `FOR UPDATE` holds the row until commit; a concurrent writer waits, then reads the
/// row as the first left it. SQLite's single writer already excludes every other writer, so it needs nothing. The
/// write that follows still compares the state it read (`UPDATE … WHERE status = <read>`), so a missing lock can
/// never move money twice: the loser changes no row and gets ``StripeError/lockTimeout``.
enum RowLock {
    static func forUpdate(_ connection: any SQLConnection) -> SQL {
        connection.dialect == .postgres ? " FOR UPDATE" : ""
    }

    /// Checks a compare-and-set's outcome: exactly one row changed, or another request changed the state first.
    static func expectOneChanged(_ changed: Int) throws(StripeError) {
        guard changed == 1 else { throw StripeError.lockTimeout }
    }
}
