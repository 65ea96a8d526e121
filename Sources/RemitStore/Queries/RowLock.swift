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

    /// The row of `table` with `id` in `account`, or nil; read for a change when `forUpdate` (locked until commit on
    /// PostgreSQL).
    static func find(_ table: LockedTable, _ id: String, account: String, on connection: any SQLConnection,
                     forUpdate: Bool) async throws -> SQLRow? {
        let lock: SQL = forUpdate ? RowLock.forUpdate(connection) : ""
        return try await connection.queryFirst(.prepared(
            "SELECT * FROM \(raw: table.rawValue) WHERE id = \(id) AND account_id = \(account)\(sql: lock)"))
    }

    /// Checks a compare-and-set's outcome: exactly one row changed, or another request changed the state first.
    static func expectOneChanged(_ changed: Int) throws(StripeError) {
        guard changed == 1 else { throw StripeError.lockTimeout }
    }
}

extension LedgerTransaction {
    /// The row of `table` with `id` in this account, read for a change (locked until commit on PostgreSQL unless
    /// `lock` is false, a fault a test injects); a missing row is Stripe's `resource_missing` for `noun`.
    func lockedRow<T>(_ table: LockedTable, _ id: String, lock: Bool = true, _ make: (SQLRow) -> T) async throws -> T {
        guard let row = try await RowLock.find(table, id, account: accountID, on: connection, forUpdate: lock) else {
            throw StripeError.noSuch(table.noun, id)
        }
        return make(row)
    }
}

/// The tables whose rows change state under ``LedgerTransaction/lockedRow(_:_:lock:_:)``.
enum LockedTable: String {
    case charges, customers, disputes, reviews, subscriptions
    case paymentMethods = "payment_methods"
    case paymentIntents = "payment_intents"
    case setupIntents = "setup_intents"

    var noun: String {
        switch self {
        case .charges: "charge"
        case .customers: "customer"
        case .disputes: "dispute"
        case .reviews: "review"
        case .subscriptions: "subscription"
        case .paymentMethods: "PaymentMethod"
        case .paymentIntents: "payment_intent"
        case .setupIntents: "setup_intent"
        }
    }
}
