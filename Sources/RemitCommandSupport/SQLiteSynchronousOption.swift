import RemitSQLite

package enum SQLiteSynchronousOption: String {
    case normal, full

    package var value: SQLiteDatabase.Synchronous { self == .full ? .full : .normal }
}
