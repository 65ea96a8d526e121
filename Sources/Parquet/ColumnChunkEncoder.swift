import Foundation

/// Encodes one column of one row group into its pages (an optional dictionary page, then one data page),
/// and the metadata the footer needs.
struct EncodedColumnChunk {
    var bytes: [UInt8]
    /// Offsets within `bytes`.
    var dictionaryPageOffset: Int?
    var dataPageOffset: Int
    /// Both include the page headers, as the format requires.
    var totalUncompressedSize: Int
    var totalCompressedSize: Int
    var encodings: [Int32]
    var nullCount: Int
    var minimum: [UInt8]?
    var maximum: [UInt8]?
    var rowCount: Int
}

enum ParquetCompression: Int32, Sendable {
    case uncompressed = 0
    case snappy = 1
}

enum ColumnChunkEncoder {
    static let dictionaryBytesMax = 1 << 20
    static let plain: Int32 = 0, rle: Int32 = 3, rleDictionary: Int32 = 8

    static func encode(_ data: ParquetColumnData, column: ParquetColumn, compression: ParquetCompression) -> EncodedColumnChunk {
        let rows = data.rowCount
        let nullCount = rows - data.values.count
        var chunk = EncodedColumnChunk(bytes: [], dictionaryPageOffset: nil, dataPageOffset: 0, totalUncompressedSize: 0,
                                       totalCompressedSize: 0, encodings: [plain, rle], nullCount: nullCount,
                                       minimum: nil, maximum: nil, rowCount: rows)
        var body: [UInt8] = []
        if column.optional { definitionLevels(data.present, rows: rows, into: &body) }
        var dataEncoding = plain
        switch data.values {
        case .string(let strings):
            dataEncoding = encodeByteArrays(ByteArrays(strings), column: column, compression: compression, chunk: &chunk,
                                            body: &body)
        case .byteArrays(let values):
            dataEncoding = encodeByteArrays(values, column: column, compression: compression, chunk: &chunk, body: &body)
        case .int32(let values):
            appendLittleEndian(values, into: &body)
            if let lo = values.min(), let hi = values.max() { (chunk.minimum, chunk.maximum) = (le(lo), le(hi)) }
        case .int64(let values):
            appendLittleEndian(values, into: &body)
            if let lo = values.min(), let hi = values.max() { (chunk.minimum, chunk.maximum) = (le(lo), le(hi)) }
        case .double(let values):
            appendLittleEndian(values.map(\.bitPattern), into: &body)
        case .boolean(let values):
            var byte: UInt8 = 0
            for (index, value) in values.enumerated() {
                if value { byte |= 1 << UInt8(index & 7) }
                if index & 7 == 7 {
                    body.append(byte)
                    byte = 0
                }
            }
            if values.count & 7 != 0 { body.append(byte) }
        }
        chunk.dataPageOffset = chunk.bytes.count
        appendPage(type: 0, header: { header in
            header.field(5, struct: { page in
                page.field(1, i32: Int32(rows))
                page.field(2, i32: dataEncoding)
                page.field(3, i32: rle)
                page.field(4, i32: rle)
            })
        }, body: body, compression: compression, to: &chunk)
        return chunk
    }

    /// Appends one page: its header (with sizes) then its body, compressed as one block.
    static func appendPage(type: Int32, header fields: (inout ThriftCompactWriter) -> Void, body: [UInt8],
                           compression: ParquetCompression, to chunk: inout EncodedColumnChunk) {
        let stored = compression == .snappy ? Snappy.compress(body) : body
        var header = ThriftCompactWriter()
        header.beginStruct()
        header.field(1, i32: type)
        header.field(2, i32: Int32(body.count))
        header.field(3, i32: Int32(stored.count))
        fields(&header)
        header.endStruct()
        chunk.bytes += header.bytes
        chunk.bytes += stored
        chunk.totalUncompressedSize += header.bytes.count + body.count
        chunk.totalCompressedSize += header.bytes.count + stored.count
    }

    static func definitionLevels(_ present: [Bool]?, rows: Int, into body: inout [UInt8]) {
        var levels: [UInt8] = []
        HybridEncoding.definitionLevels(present, count: rows, into: &levels)
        body += le(UInt32(levels.count))
        body += levels
    }

    static func appendLittleEndian<T: FixedWidthInteger>(_ values: [T], into body: inout [UInt8]) {
        let start = body.count
        body.append(contentsOf: repeatElement(0, count: values.count * MemoryLayout<T>.size))
        body.withUnsafeMutableBytes { raw in
            values.withUnsafeBufferPointer { source in
                for (index, value) in source.enumerated() {
                    raw.storeBytes(of: value.littleEndian, toByteOffset: start + index * MemoryLayout<T>.size, as: T.self)
                }
            }
        }
    }

    static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

    /// BYTE_ARRAY values: a dictionary page and the indices when the column is dictionary-encoded and its distinct
    /// values fit, PLAIN otherwise; the chunk's bounds. Returns the data page's encoding.
    static func encodeByteArrays(_ values: ByteArrays, column: ParquetColumn, compression: ParquetCompression,
                                 chunk: inout EncodedColumnChunk, body: inout [UInt8]) -> Int32 {
        guard column.dictionary, let dictionary = ByteArrayDictionary(values) else {
            (chunk.minimum, chunk.maximum) = bounds(values)
            plain(values, into: &body)
            return plain
        }
        // The bounds of a dictionary column are those of its distinct values.
        (chunk.minimum, chunk.maximum) = bounds(dictionary.values)
        var page: [UInt8] = []
        plain(dictionary.values, into: &page)
        appendPage(type: 2, header: { header in
            header.field(7, struct: { page in
                page.field(1, i32: Int32(dictionary.values.count))
                page.field(2, i32: plain)
            })
        }, body: page, compression: compression, to: &chunk)
        chunk.dictionaryPageOffset = 0
        chunk.encodings = [plain, rle, rleDictionary]
        let width = HybridEncoding.bitWidth(of: UInt32(max(dictionary.values.count - 1, 0)))
        body.append(UInt8(width))
        if width == 0 {
            HybridEncoding.run(of: 0, count: values.count, bitWidth: 0, into: &body)
        } else {
            dictionary.indices.withUnsafeBufferPointer { indices in
                HybridEncoding.bitPacked(count: indices.count, bitWidth: width, into: &body) { indices[$0] }
            }
        }
        return rleDictionary
    }

    /// PLAIN BYTE_ARRAY values: each one's length (u32 LE), then its bytes.
    static func plain(_ values: ByteArrays, into body: inout [UInt8]) {
        body.reserveCapacity(body.count + values.bytes.count + 4 * values.count)
        values.bytes.withUnsafeBufferPointer { bytes in
            var start = 0
            for end in values.ends {
                let count = UInt32(end - start)
                body.append(UInt8(truncatingIfNeeded: count))
                body.append(UInt8(truncatingIfNeeded: count >> 8))
                body.append(UInt8(truncatingIfNeeded: count >> 16))
                body.append(UInt8(truncatingIfNeeded: count >> 24))
                body.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end]))
                start = end
            }
        }
    }

    /// Minimum and maximum in unsigned byte order (the order Parquet defines for strings), compared in place.
    static func bounds(_ values: ByteArrays) -> ([UInt8]?, [UInt8]?) {
        guard values.count > 0 else { return (nil, nil) }
        return values.bytes.withUnsafeBufferPointer { bytes in
            func value(_ index: Int) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(rebasing: bytes[values.start(of: index)..<values.ends[index]])
            }
            var (lo, hi) = (0, 0)
            for index in 1..<values.count {
                let candidate = value(index)
                if precedes(candidate, value(lo)) { lo = index }
                if precedes(value(hi), candidate) { hi = index }
            }
            return (Array(value(lo)), Array(value(hi)))
        }
    }

    @inline(__always)
    static func precedes(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        let common = min(left.count, right.count)
        let order = common == 0 ? 0 : memcmp(left.baseAddress!, right.baseAddress!, common)
        return order != 0 ? order < 0 : left.count < right.count
    }
}
