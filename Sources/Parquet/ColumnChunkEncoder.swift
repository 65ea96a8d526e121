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
            let dictionary = column.dictionary ? StringDictionary(strings) : nil
            // The bounds of a dictionary column are those of its distinct values.
            (chunk.minimum, chunk.maximum) = stringBounds(dictionary?.values ?? strings)
            if let dictionary {
                appendPage(type: 2, header: { header in
                    header.field(7, struct: { page in
                        page.field(1, i32: Int32(dictionary.values.count))
                        page.field(2, i32: plain)
                    })
                }, body: dictionary.plainValues, compression: compression, to: &chunk)
                chunk.dictionaryPageOffset = 0
                chunk.encodings = [plain, rle, rleDictionary]
                dataEncoding = rleDictionary
                let width = HybridEncoding.bitWidth(of: UInt32(max(dictionary.values.count - 1, 0)))
                body.append(UInt8(width))
                if width == 0 {
                    HybridEncoding.run(of: 0, count: strings.count, bitWidth: 0, into: &body)
                } else {
                    dictionary.indices.withUnsafeBufferPointer { indices in
                        HybridEncoding.bitPacked(count: indices.count, bitWidth: width, into: &body) { indices[$0] }
                    }
                }
            } else {
                plainStrings(strings, into: &body)
            }
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

    static func plainStrings(_ strings: [String], into body: inout [UInt8]) {
        body.reserveCapacity(body.count + strings.reduce(0) { $0 + 4 + $1.utf8.count })
        for string in strings { appendPlain(string, into: &body) }
    }

    /// One PLAIN BYTE_ARRAY value: its length (u32 LE) and its UTF-8 bytes.
    @inline(__always)
    static func appendPlain(_ string: String, into body: inout [UInt8]) {
        var string = string
        string.withUTF8 { utf8 in
            let count = UInt32(utf8.count)
            body.append(UInt8(truncatingIfNeeded: count))
            body.append(UInt8(truncatingIfNeeded: count >> 8))
            body.append(UInt8(truncatingIfNeeded: count >> 16))
            body.append(UInt8(truncatingIfNeeded: count >> 24))
            body.append(contentsOf: utf8)
        }
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

    /// Minimum and maximum in unsigned byte order of the UTF-8 (the order Parquet defines for strings).
    static func stringBounds(_ strings: [String]) -> ([UInt8]?, [UInt8]?) {
        guard var lo = strings.first else { return (nil, nil) }
        var hi = lo
        for string in strings.dropFirst() {
            if precedes(string, lo) { lo = string }
            if precedes(hi, string) { hi = string }
        }
        return (Array(lo.utf8), Array(hi.utf8))
    }

    /// Unsigned byte order of the UTF-8, compared in place (memcmp).
    @inline(__always)
    static func precedes(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { left in
            b.withUTF8 { right in
                let common = min(left.count, right.count)
                let order = common == 0 ? 0 : memcmp(left.baseAddress!, right.baseAddress!, common)
                return order != 0 ? order < 0 : left.count < right.count
            }
        }
    }


    /// The distinct strings in first-seen order and each row's index; nil when the dictionary would be too big.
    struct StringDictionary {
        var values: [String] = []
        var indices: [UInt32] = []
        var plainValues: [UInt8] = []

        init?(_ strings: [String]) {
            var positions: [String: UInt32] = [:]
            indices.reserveCapacity(strings.count)
            for string in strings {
                if let known = positions[string] {
                    indices.append(known)
                    continue
                }
                let position = UInt32(values.count)
                positions[string] = position
                values.append(string)
                indices.append(position)
                ColumnChunkEncoder.appendPlain(string, into: &plainValues)
                if plainValues.count > ColumnChunkEncoder.dictionaryBytesMax { return nil }
            }
        }
    }
}
