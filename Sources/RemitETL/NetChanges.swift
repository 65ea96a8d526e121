import RemitStore

/// The net effect of a range of changes on one row (research data.md §1.1, SQL Server's net changes):
/// its final image, or its deletion; a row inserted and deleted inside the range nets to nothing.
public struct NetChange: Sendable {
    public enum Kind: String, Sendable { case upsert, delete }

    public var table: String
    public var key: String
    public var kind: Kind
    /// The final row image (for a delete: the image it had when deleted).
    public var rowData: String
    public var lsn: Int64
    public var changedAt: String
    /// The change-capture row the image comes from.
    public var changeID: Int64 = 0
    /// The row's first change in the range inserted it (it did not exist before the range).
    public var created = false
}

/// Folds changes, in feed order, into one net change per (table, key).
public struct NetChangeReducer: Sendable {
    private struct State {
        var existedBefore: Bool
        var deleted: Bool
        var rowData: String
        var lsn: Int64
        var changedAt: String
        var changeID: Int64
        var order: Int

        mutating func apply(_ change: ChangeRecord) {
            switch change.operation {
            case .insert, .updateAfter:
                deleted = false
                rowData = change.rowData
            case .delete:
                deleted = true
                rowData = change.rowData
            case .updateBefore:
                break
            }
            lsn = change.position.lsn
            changedAt = change.changedAt
            if change.operation != .updateBefore { changeID = change.position.sequence }
        }
    }

    private var rows: [String: [String: State]] = [:]
    private var count = 0

    public init() {}

    public mutating func add(_ change: ChangeRecord) {
        let order = count
        count += 1
        // Mutated in place: a copy of the table's dictionary per change would make a range quadratic.
        rows[change.table, default: [:]][change.rowKey, default: State(
            existedBefore: change.operation != .insert, deleted: false, rowData: change.rowData,
            lsn: change.position.lsn, changedAt: change.changedAt, changeID: change.position.sequence,
            order: order)].apply(change)
    }

    /// The net changes of `table`, in the order their rows first changed.
    public func changes(of table: String) -> [NetChange] {
        (rows[table] ?? [:]).compactMap { key, state -> (Int, NetChange)? in
            if state.deleted && !state.existedBefore { return nil }
            return (state.order, NetChange(table: table, key: key, kind: state.deleted ? .delete : .upsert,
                                           rowData: state.rowData, lsn: state.lsn, changedAt: state.changedAt,
                                           changeID: state.changeID, created: !state.existedBefore))
        }.sorted { $0.0 < $1.0 }.map(\.1)
    }
}
