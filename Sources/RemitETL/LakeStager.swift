import Foundation
import Parquet

/// Stages a run's accepted net changes to the lake: per table, Parquet files (snappy) under
/// `<lake>/staging/<table>/year=Y/month=M/day=D/<table>_<run>_<n>.parquet`, each written to a temporary name and
/// renamed when complete, with the staged schema beside them (`<lake>/staging/<table>/_schema.json`); and the
/// quarantined rows, with their reasons, under `<lake>/quarantine/<table>/…` in the same layout. Both stay when the
/// run fails (the seed: "rollback + preserve staging").
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
        public var quarantined = 0
        public var files: [String] = []
        public var quarantineFiles: [String] = []
    }

    public let lakeDirectory: String
    public static let rowsPerFile = 1_000_000

    public init(lakeDirectory: String) {
        self.lakeDirectory = lakeDirectory
    }

    /// The quarantine files' schema: which row, why, and its image as JSON text.
    static let quarantineSchema = ParquetSchema([
        ParquetColumn("row_key", .string), ParquetColumn("reason", .string), ParquetColumn("row_data", .string),
        ParquetColumn("_lsn", .int64),
    ])

    /// Writes the accepted rows and the quarantined ones, partitioned under the run's logical `date`.
    public func stage(_ tables: [String: StagedRows], quarantined: [QuarantinedRow],
                      date: (year: Int, month: Int, day: Int), run: String,
                      progress: (String) -> Void = { _ in }) throws -> [TableReport] {
        let partition = HivePartition.dayDirectory(year: date.year, month: date.month, day: date.day)
        var reports: [TableReport] = []
        for table in StagedTable.all {
            let rows = tables[table.name] ?? StagedRows(table: table)
            var report = TableReport(table: table.name)
            report.upserts = rows.changes.filter { $0.kind == .upsert }.count
            report.deletes = rows.count - report.upserts
            let directory = "\(lakeDirectory)/staging/\(table.name)/\(partition)"
            var start = 0
            while start < rows.count {
                let range = start..<min(start + Self.rowsPerFile, rows.count)
                let path = "\(directory)/\(table.name)_\(run)_\(start / Self.rowsPerFile).parquet"
                try Self.write(path, table.parquetSchema, rows.parquetColumns(range))
                report.files.append(path)
                start = range.upperBound
            }
            let rejected = quarantined.filter { $0.table == table.name }
            report.quarantined = rejected.count
            if !rejected.isEmpty {
                let path = "\(lakeDirectory)/quarantine/\(table.name)/\(partition)/\(table.name)_\(run)_0.parquet"
                try Self.write(path, Self.quarantineSchema, [
                    .init(.string(rejected.map(\.key))), .init(.string(rejected.map(\.reason))),
                    .init(.string(rejected.map(\.rowData))), .init(.int64(rejected.map(\.lsn))),
                ])
                report.quarantineFiles.append(path)
            }
            try recordSchema(table)
            progress("staged \(table.name): \(report.upserts) upserts, \(report.deletes) deletes, "
                     + "\(report.quarantined) quarantined, \(report.files.count) files")
            reports.append(report)
        }
        return reports
    }

    static func write(_ path: String, _ schema: ParquetSchema, _ columns: [ParquetColumnData]) throws {
        let writer = try ParquetFileWriter(path: path, schema: schema)
        do {
            try writer.write(rowGroup: columns)
            try writer.close()
        } catch {
            writer.discard()
            throw error
        }
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
}
