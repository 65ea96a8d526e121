import RemitCore
import RemitSQL
import RemitStore

/// The extract step: the net change of every row that changed in an LSN range `(after, through]` (research
/// data.md §1.1), each final image parsed once, in place, into its table's typed columns.
///
/// The store reduces the range (``ChangeFeed/scanNetChanges(after:through:tables:into:_:)``): the run never holds the
/// range's changes, nor any row image, only the typed columns of the net changes. Two readers share the work on
/// disjoint groups of tables (payments; everything else), so the step uses both cores; SQLite's WAL and
/// PostgreSQL's pool both serve concurrent readers.
public struct ChangeRangeExtractor: Sendable {
    public let database: any SQLDatabase
    /// The tables read together by one reader.
    static let readerGroups: [[StagedTable]] = {
        let payments = StagedTable.all.filter { $0.name == "payment" }
        return [payments, StagedTable.all.filter { $0.name != "payment" }]
    }()

    public init(database: any SQLDatabase) { self.database = database }

    /// Every staged table's net changes of the range, keyed by lake name (`payment`, `customer`, …).
    public func extract(afterLSN: Int64, throughLSN: Int64,
                        progress: @Sendable (String) -> Void = { _ in }) async throws -> [String: StagedRows] {
        let feed = ChangeFeed(database: database)
        let tables = try await withThrowingTaskGroup(of: [StagedRows].self) { group in
            for tables in Self.readerGroups {
                group.addTask { try await Self.read(tables, from: feed, after: afterLSN, through: throughLSN) }
            }
            var all: [String: StagedRows] = [:]
            for try await rows in group { for table in rows { all[table.table.name] = table } }
            return all
        }
        progress("read \(tables.values.reduce(0) { $0 + $1.count }) net changes in (\(afterLSN), \(throughLSN)]")
        return tables
    }

    /// The net changes of `tables`, parsed as they are read, each table's rows in the order they first changed.
    static func read(_ tables: [StagedTable], from feed: ChangeFeed, after: Int64, through: Int64) async throws
        -> [StagedRows]
    {
        let names = tables.map { Array($0.source.utf8) }
        let read = try await feed.scanNetChanges(after: after, through: through, tables: tables.map(\.source),
                                                 into: Reader(tables: tables)) { reader, row in
            guard reader.failure == nil, let index = names.firstIndex(where: row.isTable) else { return }
            do {
                try reader.builders[index].append(row)
            } catch {
                reader.failure = error
            }
        }
        if let failure = read.failure { throw failure }
        return read.builders.map { $0.ordered() }
    }

    /// One reader's tables as it scans them, and the first error (a source schema change), which stops the parse.
    struct Reader: Sendable {
        var builders: [TableBuilder]
        var failure: (any Error)?

        init(tables: [StagedTable]) { builders = tables.map { TableBuilder(table: $0) } }
    }

    /// One table's rows as they are scanned, with the order they first changed in.
    struct TableBuilder: Sendable {
        var rows: StagedRows
        var parser: RowImageParser
        var firstChanges: [Int64] = []

        init(table: StagedTable) {
            rows = StagedRows(table: table)
            parser = RowImageParser(columns: table.columns.map(\.name))
        }

        mutating func append(_ row: NetChangeRow) throws {
            let change = StagedRows.Change(key: row.key, kind: row.deleted ? .delete : .upsert, lsn: row.lsn,
                                           changeID: row.changeID, created: row.createdInRange)
            let changedAt = row.withChangedAt { Timestamp.unixMicroseconds(isoBytes: $0) } ?? 0
            try row.withImage { image in
                Result { try rows.append(change, changedAt: changedAt, image: image, parser: &parser) }
            }.get()
            firstChanges.append(row.firstChangeID)
        }

        /// The rows in the order they first changed (the store's grouping returns them in its own order).
        func ordered() -> StagedRows {
            let order = firstChanges.indices.sorted { firstChanges[$0] < firstChanges[$1] }
            return order.elementsEqual(firstChanges.indices) ? rows : rows.permuted(order)
        }
    }
}
