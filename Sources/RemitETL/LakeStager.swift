import Foundation
import Parquet
import RemitSQL
import RemitStore

/// Stages the net changes of an LSN range to the lake: per table, Parquet files (snappy) under
/// `<lake>/staging/<table>/year=Y/month=M/day=D/<table>_<run>_<n>.parquet`, each written to a temporary name and
/// renamed when complete, and the staged schema beside them (`<lake>/staging/<table>/_schema.json`).
public struct LakeStager: Sendable {
    public struct SchemaChange: Error, CustomStringConvertible {
        public let table: String
        public let unknown: [String]
        public let missing: [String]
        public var description: String {
            var parts: [String] = []
            if !unknown.isEmpty { parts.append("new columns \(unknown.sorted().joined(separator: ", "))") }
            if !missing.isEmpty { parts.append("missing columns \(missing.sorted().joined(separator: ", "))") }
            return "the source schema of \(table) changed (\(parts.joined(separator: "; "))): "
                + "the pipeline does not know it; update StagedTable and rerun"
        }
    }

    public struct TableReport: Sendable {
        public var table: String
        public var upserts = 0
        public var deletes = 0
        public var files: [String] = []
        /// The staged net changes themselves (the transform step reads them from here, not back from the files).
        public var changes: [NetChange] = []
    }

    public let database: any SQLDatabase
    public let lakeDirectory: String
    public static let rowsPerFile = 1_000_000
    static let pageSize = 10_000

    public init(database: any SQLDatabase, lakeDirectory: String) {
        self.database = database
        self.lakeDirectory = lakeDirectory
    }

    /// Stages every change with `afterLSN < tx_lsn ≤ throughLSN`, partitioned under the run's logical `date`.
    public func stage(afterLSN: Int64, throughLSN: Int64, date: (year: Int, month: Int, day: Int), run: String,
                      progress: (String) -> Void = { _ in }) async throws -> [TableReport] {
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
            progress("read \(read) changes")
        }
        progress("read \(read) changes in (\(afterLSN), \(throughLSN)]")
        var reports: [TableReport] = []
        for table in StagedTable.all {
            let changes = reducer.changes(of: table.source)
            var report = TableReport(table: table.name)
            report.upserts = changes.filter { $0.kind == .upsert }.count
            report.deletes = changes.count - report.upserts
            report.changes = changes
            let directory = "\(lakeDirectory)/staging/\(table.name)/"
                + HivePartition.dayDirectory(year: date.year, month: date.month, day: date.day)
            var index = 0
            while index * Self.rowsPerFile < changes.count {
                let slice = changes[(index * Self.rowsPerFile)..<min((index + 1) * Self.rowsPerFile, changes.count)]
                let path = "\(directory)/\(table.name)_\(run)_\(index).parquet"
                let writer = try ParquetFileWriter(path: path, schema: table.parquetSchema)
                do {
                    try writer.write(rowGroup: try Self.columns(table, Array(slice)))
                    try writer.close()
                } catch {
                    writer.discard()
                    throw error
                }
                report.files.append(path)
                index += 1
            }
            try recordSchema(table)
            progress("staged \(table.name): \(report.upserts) upserts, \(report.deletes) deletes, \(report.files.count) files")
            reports.append(report)
        }
        return reports
    }

    /// The staged schema, for readers and for the next run to compare.
    func recordSchema(_ table: StagedTable) throws {
        let directory = "\(lakeDirectory)/staging/\(table.name)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let columns = table.columns.map { column -> [String: Any] in
            let type = switch column.type {
            case .text: "string"
            case .integer: "int64"
            case .flag: "boolean"
            case .time: "timestamp[us, UTC]"
            }
            return ["name": column.name, "type": type, "nullable": column.optional]
        }
        let document: [String: Any] = ["table": table.name, "source": table.source, "columns": columns,
                                       "change_columns": ["_op", "_lsn", "_changed_at"]]
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: "\(directory)/_schema.json"), options: .atomic)
    }

    /// The typed columns of a table's net changes.
    static func columns(_ table: StagedTable, _ changes: [NetChange]) throws -> [ParquetColumnData] {
        let known = Set(table.columns.map(\.name))
        var images: [[String: Any]] = []
        images.reserveCapacity(changes.count)
        for change in changes {
            guard let image = try JSONSerialization.jsonObject(with: Data(change.rowData.utf8)) as? [String: Any] else {
                throw SchemaChange(table: table.name, unknown: ["<not a JSON object>"], missing: [])
            }
            let unknown = image.keys.filter { !known.contains($0) }
            let missing = table.columns.filter { !$0.optional && image[$0.name] == nil }.map(\.name)
            if !unknown.isEmpty || !missing.isEmpty {
                throw SchemaChange(table: table.name, unknown: unknown, missing: missing)
            }
            images.append(image)
        }
        var result: [ParquetColumnData] = []
        for column in table.columns {
            var present: [Bool] = []
            present.reserveCapacity(images.count)
            func value(_ image: [String: Any]) -> Any? {
                let raw = image[column.name]
                if raw == nil || raw is NSNull { return nil }
                return raw
            }
            switch column.type {
            case .text:
                var values: [String] = []
                for image in images {
                    if let raw = value(image) {
                        values.append(raw as? String ?? "\(raw)")
                        present.append(true)
                    } else {
                        present.append(false)
                    }
                }
                result.append(.init(.string(values), present: column.optional ? present : nil))
            case .integer, .time:
                var values: [Int64] = []
                for image in images {
                    if let number = value(image) as? NSNumber {
                        values.append(column.type == .time ? number.int64Value * 1_000_000 : number.int64Value)
                        present.append(true)
                    } else {
                        present.append(false)
                    }
                }
                result.append(.init(.int64(values), present: column.optional ? present : nil))
            case .flag:
                var values: [Bool] = []
                for image in images {
                    if let number = value(image) as? NSNumber {
                        values.append(number.int64Value != 0)
                        present.append(true)
                    } else {
                        present.append(false)
                    }
                }
                result.append(.init(.boolean(values), present: column.optional ? present : nil))
            }
            if !column.optional, present.contains(false) {
                throw SchemaChange(table: table.name, unknown: [], missing: [column.name + " (null)"])
            }
        }
        result.append(.init(.string(changes.map(\.kind.rawValue))))
        result.append(.init(.int64(changes.map(\.lsn))))
        result.append(.init(.int64(changes.map { Self.microseconds(iso: $0.changedAt) })))
        return result
    }

    /// `2026-11-25T20:15:40.123Z` (the change capture's stamp, both engines) → microseconds since 1970. Parsed by
    /// hand: it runs once per staged row. Other ISO-8601 forms go through Foundation.
    static func microseconds(iso text: String) -> Int64 {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard index < bytes.count, (48...57).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - 48)
            }
            return value
        }
        if bytes.count == 24, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84, bytes[13] == 58, bytes[16] == 58,
           bytes[19] == 46, bytes[23] == 90,
           let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
           let minute = number(14..<16), let second = number(17..<19), let millisecond = number(20..<23),
           let days = CurrencyConverter.dayNumber(String(format: "%04d-%02d-%02d", year, month, day)) {
            let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
            return seconds * 1_000_000 + Int64(millisecond) * 1000
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text) ?? Date(timeIntervalSince1970: 0)
        return Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }
}
