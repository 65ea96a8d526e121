import CSQLite
import RemitSQL

/// One SQLite connection and its prepared-statement cache.
///
/// Not thread-safe by itself: the owner (``SQLiteDatabase``) serializes access with an ``AsyncLock``.
final class SQLiteHandle: @unchecked Sendable {
    private let db: OpaquePointer
    private var statements: [String: OpaquePointer] = [:]
    private var columnNames: [OpaquePointer: SQLColumns] = [:]

    init(path: String, synchronous: SQLiteDatabase.Synchronous) throws(DatabaseError) {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open \(path)"
            sqlite3_close(handle)
            throw DatabaseError(.connection, message)
        }
        db = handle
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, 10_000)
        try exec("PRAGMA journal_mode = WAL")
        try exec("PRAGMA synchronous = \(synchronous.rawValue)")
        try exec("PRAGMA temp_store = MEMORY")
        try exec("PRAGMA cache_size = -65536")
        // Reads (index probes for unique checks, lookups) through the page cache mapping: +7 % charges/s.
        try exec("PRAGMA mmap_size = 268435456")
        // After a WAL restart the file is truncated back to this size.
        try exec("PRAGMA journal_size_limit = 67108864")
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(db)
    }

    /// Copies what it can of the WAL into the database without waiting for readers or writers.
    func checkpointPassive() {
        sqlite3_wal_checkpoint_v2(db, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }

    /// Replaces automatic checkpoints with `hook`, which SQLite calls after each commit on this connection with
    /// `context`, this connection and the WAL's frame count.
    func setWALHook(
        _ context: UnsafeMutableRawPointer,
        _ hook: @escaping @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, UnsafePointer<CChar>?, Int32) -> Int32
    ) {
        sqlite3_wal_hook(db, hook, context)
    }

    func removeWALHook() {
        sqlite3_wal_hook(db, nil, nil)
    }

    /// Runs a statement without parameters and ignores its rows (pragmas, BEGIN, COMMIT).
    func exec(_ text: String) throws(DatabaseError) {
        var message: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(db, text, nil, nil, &message)
        if status != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? "status \(status)"
            sqlite3_free(message)
            throw error(status, text)
        }
    }

    /// Runs one statement with its binds; returns the rows and the number of rows changed.
    func run(_ sql: SQL) throws(DatabaseError) -> (rows: [SQLRow], changes: Int) {
        let statement = try prepared(sql.text(for: .sqlite))
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        try bind(sql.binds, to: statement)
        var rows: [SQLRow] = []
        let columnCount = sqlite3_column_count(statement)
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else { throw error(status, String(cString: sqlite3_errmsg(db))) }
            let columns = names(of: statement, count: columnCount)
            var values: [SQLValue] = []
            values.reserveCapacity(Int(columnCount))
            for index in 0..<columnCount {
                values.append(value(of: statement, at: index))
            }
            rows.append(SQLRow(columns: columns, values: values))
        }
        return (rows, Int(sqlite3_changes(db)))
    }

    /// Runs one statement `count` times, bound to `row(i)` each time (a bulk insert, prepared once).
    func runEach(_ text: String, count: Int, row: (Int) -> [SQLValue]) throws(DatabaseError) {
        let statement = try prepared(text)
        defer { sqlite3_clear_bindings(statement) }
        for index in 0..<count {
            try bind(row(index), to: statement)
            let status = sqlite3_step(statement)
            guard status == SQLITE_DONE || status == SQLITE_ROW else {
                let failure = error(status, String(cString: sqlite3_errmsg(db)))
                sqlite3_reset(statement)
                throw failure
            }
            sqlite3_reset(statement)
        }
    }

    /// Runs one query and hands each row to `row` in place, as SQLite steps to it.
    func scan(_ sql: SQL, _ row: (any SQLCursor) -> Void) throws(DatabaseError) {
        let statement = try prepared(sql.text(for: .sqlite))
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        try bind(sql.binds, to: statement)
        let cursor = StatementCursor(statement: statement)
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else { throw error(status, String(cString: sqlite3_errmsg(db))) }
            row(cursor)
        }
    }

    private func prepared(_ text: String) throws(DatabaseError) -> OpaquePointer {
        if let statement = statements[text] { return statement }
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(db, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else {
            throw error(status, "\(String(cString: sqlite3_errmsg(db))) in: \(text)")
        }
        if statements.count > 512 {
            // A bounded cache: dynamic list queries could otherwise grow it without end.
            for old in statements.values { sqlite3_finalize(old) }
            statements.removeAll()
            columnNames.removeAll()
        }
        statements[text] = statement
        return statement
    }

    private func names(of statement: OpaquePointer, count: Int32) -> SQLColumns {
        if let cached = columnNames[statement] { return cached }
        let names = (0..<count).map { String(cString: sqlite3_column_name(statement, $0)) }
        let columns = SQLColumns(names)
        columnNames[statement] = columns
        return columns
    }

    private func bind(_ values: [SQLValue], to statement: OpaquePointer) throws(DatabaseError) {
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .null: status = sqlite3_bind_null(statement, index)
            case .integer(let number): status = sqlite3_bind_int64(statement, index, number)
            case .real(let number): status = sqlite3_bind_double(statement, index, number)
            case .text(let text):
                var text = text
                status = text.withUTF8 { buffer in
                    sqlite3_bind_text(statement, index, buffer.baseAddress, Int32(buffer.count), transient)
                }
            case .blob(let bytes):
                status = bytes.withUnsafeBytes { buffer in
                    sqlite3_bind_blob(statement, index, buffer.baseAddress, Int32(buffer.count), transient)
                }
            }
            guard status == SQLITE_OK else { throw error(status, "bind \(index)") }
        }
    }

    private func value(of statement: OpaquePointer, at index: Int32) -> SQLValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, index))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(statement, index))
            guard let pointer = sqlite3_column_text(statement, index) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, index))
            guard count > 0, let pointer = sqlite3_column_blob(statement, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: pointer, count: count)))
        default: return .null
        }
    }

    private func error(_ status: Int32, _ message: String) -> DatabaseError {
        // Extended result codes (the C macros are not imported): primary code in the low byte.
        let constraintUnique: Int32 = 2067, constraintPrimaryKey: Int32 = 1555
        if status == constraintUnique || status == constraintPrimaryKey { return DatabaseError(.uniqueViolation, message) }
        switch status & 0xFF {
        case SQLITE_BUSY, SQLITE_LOCKED: return DatabaseError(.busy, message)
        case SQLITE_CANTOPEN, SQLITE_IOERR, SQLITE_FULL, SQLITE_CORRUPT: return DatabaseError(.connection, message)
        default: return DatabaseError(.statement, message)
        }
    }
}

/// The row a statement has stepped to, read column by column with SQLite's own conversions.
private struct StatementCursor: SQLCursor {
    let statement: OpaquePointer

    func isNull(at index: Int) -> Bool { sqlite3_column_type(statement, Int32(index)) == SQLITE_NULL }
    func int(at index: Int) -> Int64 { sqlite3_column_int64(statement, Int32(index)) }
    func double(at index: Int) -> Double { sqlite3_column_double(statement, Int32(index)) }
    func string(at index: Int) -> String { withUTF8(at: index) { String(decoding: $0, as: UTF8.self) } }

    func withUTF8<Result>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        // Text first, then its length: the order SQLite documents for a stable pointer.
        let pointer = sqlite3_column_text(statement, Int32(index))
        let count = Int(sqlite3_column_bytes(statement, Int32(index)))
        return body(UnsafeBufferPointer(start: pointer, count: pointer == nil ? 0 : count))
    }
}
