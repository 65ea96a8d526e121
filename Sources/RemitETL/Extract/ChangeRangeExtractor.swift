import RemitSQL
import RemitStore

/// The extract step: the change capture of an LSN range `(after, through]`, read in commit order, reduced to one
/// net change per row (research data.md §1.1), and each final image parsed once into its table's typed columns.
/// The range is read as `readers` consecutive slices at once (SQLite's WAL and PostgreSQL's pool both serve
/// concurrent readers), reduced in order, and the tables are parsed concurrently: the step uses every core.
public struct ChangeRangeExtractor: Sendable {
    public let database: any SQLDatabase
    public var readers = 2
    static let pageSize = 10_000

    public init(database: any SQLDatabase) { self.database = database }

    /// Every staged table's net changes of the range, keyed by lake name (`payment`, `customer`, …).
    public func extract(afterLSN: Int64, throughLSN: Int64,
                        progress: @Sendable (String) -> Void = { _ in }) async throws -> [String: StagedRows] {
        let slices = Self.slices(afterLSN, throughLSN, count: readers)
        let feed = ChangeFeed(database: database)
        let pages = try await withThrowingTaskGroup(of: (Int, [ChangeRecord]).self) { group in
            for (index, slice) in slices.enumerated() {
                group.addTask { (index, try await Self.read(feed, after: slice.after, through: slice.through)) }
            }
            var pages = [[ChangeRecord]](repeating: [], count: slices.count)
            for try await (index, records) in group { pages[index] = records }
            return pages
        }
        var reducer = NetChangeReducer()
        for page in pages { for change in page { reducer.add(change) } }
        progress("read \(pages.reduce(0) { $0 + $1.count }) changes in (\(afterLSN), \(throughLSN)]")
        let reduced = StagedTable.all.map { ($0, reducer.changes(of: $0.source)) }
        return try await withThrowingTaskGroup(of: (String, StagedRows).self) { group in
            for (table, changes) in reduced {
                group.addTask { (table.name, try Self.parse(changes, as: table)) }
            }
            var tables: [String: StagedRows] = [:]
            for try await (name, rows) in group { tables[name] = rows }
            return tables
        }
    }

    /// `(after, through]` cut into `count` consecutive LSN slices.
    static func slices(_ after: Int64, _ through: Int64, count: Int) -> [(after: Int64, through: Int64)] {
        guard through > after, count > 1 else { return [(after, max(after, through))] }
        let width = max(1, (through - after + Int64(count) - 1) / Int64(count))
        return stride(from: after, to: through, by: Int(width)).map { start in (start, min(start + width, through)) }
    }

    /// Every change of `(after, through]`, in commit order.
    static func read(_ feed: ChangeFeed, after: Int64, through: Int64) async throws -> [ChangeRecord] {
        var records: [ChangeRecord] = []
        var position = FeedPosition(lsn: after, sequence: Int64.max)
        while true {
            let page = try await feed.changes(after: position, through: through, limit: pageSize)
            records += page
            guard let last = page.last, page.count == pageSize else { return records }
            position = last.position
        }
    }

    /// Parses net changes of one table into its columns.
    static func parse(_ changes: [NetChange], as table: StagedTable) throws -> StagedRows {
        var rows = StagedRows(table: table)
        var parser = RowImageParser(columns: table.columns.map(\.name))
        for change in changes { try rows.append(change, parser: &parser) }
        return rows
    }
}
