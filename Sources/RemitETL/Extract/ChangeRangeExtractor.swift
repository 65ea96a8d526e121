import RemitSQL
import RemitStore

/// The extract step: the change capture of an LSN range `(after, through]`, read in commit order, reduced to one
/// net change per row (research data.md §1.1), and each final image parsed once into its table's typed columns.
public struct ChangeRangeExtractor: Sendable {
    public let database: any SQLDatabase
    static let pageSize = 10_000

    public init(database: any SQLDatabase) { self.database = database }

    /// Every staged table's net changes of the range, keyed by lake name (`payment`, `customer`, …).
    public func extract(afterLSN: Int64, throughLSN: Int64,
                        progress: (String) -> Void = { _ in }) async throws -> [String: StagedRows] {
        let feed = ChangeFeed(database: database)
        var reducer = NetChangeReducer()
        var position = FeedPosition(lsn: afterLSN, sequence: Int64.max)
        var read = 0
        while true {
            let page = try await feed.changes(after: position, through: throughLSN, limit: Self.pageSize)
            for change in page { reducer.add(change) }
            read += page.count
            guard let last = page.last, page.count == Self.pageSize else { break }
            position = last.position
            if read % 100_000 == 0 { progress("read \(read) changes") }
        }
        progress("read \(read) changes in (\(afterLSN), \(throughLSN)]")
        var tables: [String: StagedRows] = [:]
        for table in StagedTable.all {
            tables[table.name] = try Self.parse(reducer.changes(of: table.source), as: table)
        }
        return tables
    }

    /// Parses net changes of one table into its columns.
    static func parse(_ changes: [NetChange], as table: StagedTable) throws -> StagedRows {
        var rows = StagedRows(table: table)
        var parser = RowImageParser(columns: table.columns.map(\.name))
        for change in changes { try rows.append(change, parser: &parser) }
        return rows
    }
}
