import Foundation
import Synchronization

/// Writes one Parquet file, row group by row group, to a temporary name; `close()` writes the footer and
/// renames it into place, so readers never see half a file.
public final class ParquetFileWriter {
    public enum Compression: Sendable { case uncompressed, snappy }

    public struct WriteError: Error, CustomStringConvertible {
        public let description: String
    }

    public let path: String
    public let schema: ParquetSchema
    let temporaryPath: String
    let compression: ParquetCompression
    let createdBy: String
    let handle: FileHandle
    var offset = 0
    var rowGroups: [(chunks: [EncodedColumnChunk], offsets: [Int], rows: Int)] = []
    var closed = false

    public init(path: String, schema: ParquetSchema, compression: Compression = .snappy,
                createdBy: String = "Remit") throws {
        self.path = path
        self.schema = schema
        self.compression = compression == .snappy ? .snappy : .uncompressed
        self.createdBy = createdBy
        temporaryPath = path + ".tmp"
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        guard FileManager.default.createFile(atPath: temporaryPath, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporaryPath) else {
            throw WriteError(description: "cannot create \(temporaryPath)")
        }
        self.handle = handle
        try write(Array("PAR1".utf8))
    }

    deinit {
        if !closed {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: temporaryPath)
        }
    }

    /// Writes one row group: one `ParquetColumnData` per schema column, all with the same row count.
    public func write(rowGroup columns: [ParquetColumnData]) throws {
        guard columns.count == schema.columns.count else {
            throw WriteError(description: "\(columns.count) columns given for a schema of \(schema.columns.count)")
        }
        let rows = columns.first?.rowCount ?? 0
        for (data, column) in zip(columns, schema.columns) {
            guard data.rowCount == rows else {
                throw WriteError(description: "column \(column.name) has \(data.rowCount) rows, expected \(rows)")
            }
            guard column.optional || data.present == nil || !data.present!.contains(false) else {
                throw WriteError(description: "column \(column.name) is required but has missing values")
            }
            if let present = data.present, present.filter({ $0 }).count != data.values.count {
                throw WriteError(description: "column \(column.name): \(data.values.count) values for "
                                 + "\(present.filter { $0 }.count) present rows")
            }
            guard Self.matches(data.values, column.kind) else {
                throw WriteError(description: "column \(column.name): values do not match \(column.kind)")
            }
        }
        // Columns encode independently: on every core, then written in schema order.
        let encoded = EncodedChunks(count: columns.count)
        let compression = self.compression
        let schema = self.schema
        DispatchQueue.concurrentPerform(iterations: columns.count) { index in
            encoded.set(index, ColumnChunkEncoder.encode(columns[index], column: schema.columns[index], compression: compression))
        }
        var chunks: [EncodedColumnChunk] = []
        var offsets: [Int] = []
        for chunk in encoded.all() {
            offsets.append(offset)
            try write(chunk.bytes)
            chunks.append(chunk)
        }
        rowGroups.append((chunks, offsets, rows))
    }

    /// Writes the footer, flushes to disk and renames the file into place.
    public func close() throws {
        guard !closed else { return }
        let footer = FileMetadataEncoder.encode(schema: schema, rowGroups: rowGroups, codec: compression,
                                                createdBy: createdBy)
        try write(footer)
        try write(ColumnChunkEncoder.le(UInt32(footer.count)))
        try write(Array("PAR1".utf8))
        try handle.synchronize()
        try handle.close()
        closed = true
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: temporaryPath, toPath: path)
    }

    /// Abandons the file: the temporary file is removed, nothing appears at `path`.
    public func discard() {
        guard !closed else { return }
        closed = true
        try? handle.close()
        try? FileManager.default.removeItem(atPath: temporaryPath)
    }

    func write(_ bytes: [UInt8]) throws {
        try handle.write(contentsOf: bytes)
        offset += bytes.count
    }

    static func matches(_ values: ParquetColumnData.Values, _ kind: ParquetColumn.Kind) -> Bool {
        switch (values, kind) {
        case (.int32, .int32), (.int32, .date), (.int64, .int64), (.int64, .timestampMicros), (.int64, .timestampMillis),
             (.int64, .decimal), (.double, .double), (.boolean, .boolean), (.string, .string), (.byteArrays, .string):
            true
        default:
            false
        }
    }
}

/// The footer: FileMetaData in Thrift's compact protocol (research data.md §2.3).
enum FileMetadataEncoder {
    static func encode(schema: ParquetSchema, rowGroups: [(chunks: [EncodedColumnChunk], offsets: [Int], rows: Int)],
                       codec: ParquetCompression, createdBy: String) -> [UInt8] {
        var w = ThriftCompactWriter()
        w.beginStruct()
        w.field(1, i32: 1)
        w.field(2, listOf: .structure, count: schema.columns.count + 1) { w in
            w.element { root in
                root.field(4, string: "schema")
                root.field(5, i32: Int32(schema.columns.count))
            }
            for column in schema.columns { w.element { leaf in schemaElement(column, &leaf) } }
        }
        w.field(3, i64: Int64(rowGroups.reduce(0) { $0 + $1.rows }))
        w.field(4, listOf: .structure, count: rowGroups.count) { w in
            for group in rowGroups {
                w.element { rowGroup in
                    rowGroup.field(1, listOf: .structure, count: group.chunks.count) { list in
                        for (index, chunk) in group.chunks.enumerated() {
                            list.element { columnChunk in
                                columnChunk.field(2, i64: 0)
                                columnChunk.field(3, struct: { meta in
                                    columnMetadata(schema.columns[index], chunk, at: group.offsets[index], codec: codec, &meta)
                                })
                            }
                        }
                    }
                    rowGroup.field(2, i64: Int64(group.chunks.reduce(0) { $0 + $1.totalUncompressedSize }))
                    rowGroup.field(3, i64: Int64(group.rows))
                }
            }
        }
        w.field(6, string: createdBy)
        // Column orders: min/max are written, so each leaf declares the type-defined order.
        w.field(7, listOf: .structure, count: schema.columns.count) { w in
            for _ in schema.columns {
                w.element { order in order.field(1, struct: { _ in }) }
            }
        }
        w.endStruct()
        return w.bytes
    }

    static func schemaElement(_ column: ParquetColumn, _ w: inout ThriftCompactWriter) {
        w.field(1, i32: column.kind.physicalType)
        w.field(3, i32: column.optional ? 1 : 0)
        w.field(4, string: column.name)
        switch column.kind {
        case .string:
            w.field(6, i32: 0)
            w.field(10, struct: { logical in logical.field(1, struct: { _ in }) })
        case .date:
            w.field(6, i32: 6)
            w.field(10, struct: { logical in logical.field(6, struct: { _ in }) })
        case .decimal(let precision, let scale):
            w.field(6, i32: 5)
            w.field(7, i32: Int32(scale))
            w.field(8, i32: Int32(precision))
            w.field(10, struct: { logical in
                logical.field(5, struct: { decimal in
                    decimal.field(1, i32: Int32(scale))
                    decimal.field(2, i32: Int32(precision))
                })
            })
        case .timestampMicros, .timestampMillis:
            let micros = column.kind == .timestampMicros
            w.field(6, i32: micros ? 10 : 9)
            w.field(10, struct: { logical in
                logical.field(8, struct: { timestamp in
                    timestamp.field(1, bool: true)
                    timestamp.field(2, struct: { unit in unit.field(micros ? 2 : 1, struct: { _ in }) })
                })
            })
        case .int32, .int64, .double, .boolean:
            break
        }
    }

    static func columnMetadata(_ column: ParquetColumn, _ chunk: EncodedColumnChunk, at start: Int,
                               codec: ParquetCompression, _ w: inout ThriftCompactWriter) {
        w.field(1, i32: column.kind.physicalType)
        w.field(2, listOf: .i32, count: chunk.encodings.count) { list in
            for encoding in chunk.encodings { list.element(i32: encoding) }
        }
        w.field(3, listOf: .binary, count: 1) { list in list.element(string: column.name) }
        w.field(4, i32: codec.rawValue)
        w.field(5, i64: Int64(chunk.rowCount))
        w.field(6, i64: Int64(chunk.totalUncompressedSize))
        w.field(7, i64: Int64(chunk.totalCompressedSize))
        w.field(9, i64: Int64(start + chunk.dataPageOffset))
        if let dictionary = chunk.dictionaryPageOffset { w.field(11, i64: Int64(start + dictionary)) }
        w.field(12, struct: { statistics in
            statistics.field(3, i64: Int64(chunk.nullCount))
            if let maximum = chunk.maximum { statistics.field(5, binary: maximum) }
            if let minimum = chunk.minimum { statistics.field(6, binary: minimum) }
        })
    }
}

/// The chunks of one row group, filled by concurrent encoders (one slot each).
final class EncodedChunks: Sendable {
    private let chunks: Mutex<[EncodedColumnChunk?]>

    init(count: Int) { chunks = Mutex(Array(repeating: nil, count: count)) }

    func set(_ index: Int, _ chunk: EncodedColumnChunk) { chunks.withLock { $0[index] = chunk } }

    func all() -> [EncodedColumnChunk] { chunks.withLock { $0.map { $0! } } }
}
