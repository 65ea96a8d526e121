import RemitCore
import RemitSQL
import StreamEngine

/// Where a query's closed windows go: a warehouse table whose columns are `window_end`, the query's group columns,
/// `source`, its aggregates by name, `breach` when it has a HAVING, then `window_end_ms` and `emitted_ms`. Rows are
/// upserted on (window_end, group columns, source), so a replay writes the same row again, and live traffic and an
/// import with the same window and group keep a row each.
public struct StreamSink: Sendable {
    public let query: WindowQuery
    public let table: String

    public init(query: WindowQuery, table: String) {
        precondition(table.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "a plain table name")
        self.query = query
        self.table = table
    }

    /// The seed's two queries and their tables.
    public static func defaults(minimumRequests: Int64) -> [StreamSink] {
        [StreamSink(query: .apiPerformance, table: "fact_api_performance_realtime"),
         StreamSink(query: .merchantErrors(minimumRequests: minimumRequests), table: "fact_merchant_errors_realtime")]
    }

    var keyColumns: [String] { ["window_end"] + query.groupBy.map(\.rawValue) + ["source"] }

    var valueColumns: [String] {
        query.aggregates.map(\.column) + (query.having == nil ? [] : ["breach"]) + ["window_end_ms", "emitted_ms"]
    }

    static let rowsPerStatement = 100

    func upsert(_ rows: [WindowRow], emittedMs: Int64, on connection: any SQLConnection) async throws {
        let columns = keyColumns + valueColumns
        let update = valueColumns.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + Self.rowsPerStatement, rows.count)]
            let values = SQL.join(chunk.map { row -> SQL in
                var cells: [SQL] = ["\(Timestamp.iso8601(unixMilliseconds: row.windowEnd))"]
                cells += row.keys.map { "\($0 ?? "")" }
                cells.append("\(row.source)")
                for value in row.values {
                    switch value {
                    case .integer(let integer): cells.append("\(integer)")
                    case .real(let real): cells.append("\(real)")
                    }
                }
                if query.having != nil { cells.append("\(row.flagged)") }
                cells += ["\(row.windowEnd)", "\(emittedMs)"]
                return "(" + SQL.join(cells, separator: ", ") + ")"
            }, separator: ", ")
            try await connection.execute("""
                INSERT INTO \(raw: table) (\(raw: columns.joined(separator: ", "))) VALUES \(sql: values)
                ON CONFLICT (\(raw: keyColumns.joined(separator: ", "))) DO UPDATE SET \(raw: update)
                """)
            start += Self.rowsPerStatement
        }
    }
}
