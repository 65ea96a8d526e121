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
            (chunk.minimum, chunk.maximum) = stringBounds(strings)
            if column.dictionary, let dictionary = StringDictionary(strings) {
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
        appendLittleEndian([UInt32(levels.count)], into: &body)
        body += levels
    }

    static func plainStrings(_ strings: [String], into body: inout [UInt8]) {
        for string in strings {
            var string = string
            string.withUTF8 { utf8 in
                appendLittleEndian([UInt32(utf8.count)], into: &body)
                body.append(contentsOf: utf8)
            }
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
        guard var lo = strings.first.map({ Array($0.utf8) }) else { return (nil, nil) }
        var hi = lo
        for string in strings.dropFirst() {
            let bytes = Array(string.utf8)
            if bytes.lexicographicallyPrecedes(lo) { lo = bytes }
            if hi.lexicographicallyPrecedes(bytes) { hi = bytes }
        }
        return (lo, hi)
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
                var copy = string
                copy.withUTF8 { utf8 in
                    ColumnChunkEncoder.appendLittleEndian([UInt32(utf8.count)], into: &plainValues)
                    plainValues.append(contentsOf: utf8)
                }
                if plainValues.count > ColumnChunkEncoder.dictionaryBytesMax { return nil }
            }
        }
    }
}
