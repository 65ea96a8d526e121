import RemitSQLite

enum SQLiteSynchronousOption: String {
    case normal, full

    var value: SQLiteDatabase.Synchronous { self == .full ? .full : .normal }
}
