#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Reads CSV with a header row (RFC 4180: commas, optional double quotes, CRLF or LF).
///
/// Numeric cells are parsed as `Double` and rounded to `Float`, the way numpy and pandas load a CSV into
/// float32; an empty cell, `nan`, `NaN` or `NA` is missing (NaN). Columns that are not wanted may hold anything.
///
/// The file is read as bytes, field boundaries found without making a `String` per cell, and each wanted cell
/// parsed by `strtod` from a small buffer: training reads CSVs of millions of rows.
public struct CSVReader {
    /// The header and, per data row, its raw text (without the line break), for writers that echo rows.
    public struct Result: Sendable {
        public var table: NumericTable
        public var header: String
        public var lines: [Substring]?
    }

    /// Reads the numeric columns `wanted` (all columns when `nil`) from `url`.
    public static func read(_ url: URL, columns wanted: [String]? = nil, keepLines: Bool = false) throws(DataError) -> Result {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataError("cannot read \(url.path): \(error.localizedDescription)")
        }
        return try parse(data, columns: wanted, keepLines: keepLines, source: url.lastPathComponent)
    }

    public static func parse(
        _ data: Data, columns wanted: [String]? = nil, keepLines: Bool = false, source: String = "input"
    ) throws(DataError) -> Result {
        let bytes = [UInt8](data)
        return try bytes.withUnsafeBufferPointer { buffer throws(DataError) in
            try parse(buffer, columns: wanted, keepLines: keepLines, source: source)
        }
    }

    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, columns wanted: [String]?, keepLines: Bool, source: String
    ) throws(DataError) -> Result {
        var lines = Self.lines(bytes)
        while let last = lines.last, Self.trimmed(last, in: bytes).isEmpty { lines.removeLast() }
        guard let headerLine = lines.first else { throw DataError("\(source) is empty: a header row is required") }
        var scratch: [UInt8] = []
        var fields: [Range<Int>] = []
        let headerQuoted = Self.fields(of: headerLine, in: bytes, into: &fields, unquoted: &scratch)
        let header = Self.texts(fields, in: bytes, scratch: headerQuoted ? scratch : nil)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let names = wanted ?? header
        let indices = try names.map { name throws(DataError) in
            guard let index = header.firstIndex(of: name) else {
                throw DataError("\(source): no column named \(name) (columns: \(header.joined(separator: ", ")))")
            }
            return index
        }
        var values = [Float]()
        values.reserveCapacity((lines.count - 1) * names.count)
        var number: [CChar] = []
        for (offset, line) in lines.enumerated().dropFirst() {
            let usesScratch = Self.fields(of: line, in: bytes, into: &fields, unquoted: &scratch)
            guard fields.count == header.count else {
                throw DataError("\(source) line \(offset + 1): \(fields.count) fields, the header has \(header.count)")
            }
            for (position, index) in indices.enumerated() {
                let range = fields[index]
                let parsed = usesScratch
                    ? scratch.withUnsafeBufferPointer { parseNumber(UnsafeBufferPointer(rebasing: $0[range]), buffer: &number) }
                    : parseNumber(UnsafeBufferPointer(rebasing: bytes[range]), buffer: &number)
                guard let value = parsed else {
                    let cell = Self.texts([range], in: bytes, scratch: usesScratch ? scratch : nil)[0]
                    throw DataError("\(source) line \(offset + 1), column \(names[position]): \"\(cell)\" is not a number")
                }
                values.append(value)
            }
        }
        var text: [Substring]?
        if keepLines {
            text = lines.dropFirst().map { Substring(String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self)) }
        }
        return Result(
            table: NumericTable(columnNames: names, values: values),
            header: String(decoding: UnsafeBufferPointer(rebasing: bytes[headerLine]), as: UTF8.self), lines: text)
    }

    /// The byte ranges of the lines, without their line breaks (LF or CRLF), after a UTF-8 byte-order mark.
    static func lines(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var start = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        var lines: [Range<Int>] = []
        var index = start
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                let end = index > start && bytes[index - 1] == UInt8(ascii: "\r") ? index - 1 : index
                lines.append(start..<end)
                start = index + 1
            }
            index += 1
        }
        lines.append(start..<bytes.count)
        return lines
    }

    /// The fields of one line as ranges: of `bytes` when the line has no quote (the result is false), else of
    /// `unquoted`, which then holds the line's fields with their quotes removed and doubled quotes made single.
    @discardableResult
    static func fields(of line: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>, into fields: inout [Range<Int>],
                       unquoted: inout [UInt8]) -> Bool {
        fields.removeAll(keepingCapacity: true)
        let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\"")
        var quoted = false
        for index in line where bytes[index] == quote {
            quoted = true
            break
        }
        if !quoted {
            var start = line.lowerBound
            for index in line where bytes[index] == comma {
                fields.append(start..<index)
                start = index + 1
            }
            fields.append(start..<line.upperBound)
            return false
        }
        unquoted.removeAll(keepingCapacity: true)
        var start = 0, inside = false, index = line.lowerBound
        while index < line.upperBound {
            let byte = bytes[index]
            if inside {
                if byte == quote {
                    if index + 1 < line.upperBound, bytes[index + 1] == quote {
                        unquoted.append(quote)
                        index += 1
                    } else {
                        inside = false
                    }
                } else {
                    unquoted.append(byte)
                }
            } else if byte == quote {
                inside = true
            } else if byte == comma {
                fields.append(start..<unquoted.count)
                start = unquoted.count
            } else {
                unquoted.append(byte)
            }
            index += 1
        }
        fields.append(start..<unquoted.count)
        return true
    }

    static func texts(_ fields: [Range<Int>], in bytes: UnsafeBufferPointer<UInt8>, scratch: [UInt8]?) -> [String] {
        fields.map { range in
            if let scratch { return String(decoding: scratch[range], as: UTF8.self) }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    static func trimmed(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var lower = range.lowerBound, upper = range.upperBound
        while lower < upper, isSpace(bytes[lower]) { lower += 1 }
        while upper > lower, isSpace(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    /// A cell's number; NaN for a missing one; nil when it is not a number (the whole cell, spaces aside, must be).
    static func parseNumber(_ cell: UnsafeBufferPointer<UInt8>, buffer: inout [CChar]) -> Float? {
        let range = trimmed(0..<cell.count, in: cell)
        let text = UnsafeBufferPointer(rebasing: cell[range])
        if isMissing(text) { return .nan }
        buffer.removeAll(keepingCapacity: true)
        for byte in text {
            guard byte != 0 else { return nil }
            buffer.append(CChar(bitPattern: byte))
        }
        buffer.append(0)
        return buffer.withUnsafeBufferPointer { pointer -> Float? in
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(pointer.baseAddress!, &end)
            guard let end, end.pointee == 0, end != UnsafeMutablePointer(mutating: pointer.baseAddress!) else { return nil }
            return Float(value)
        }
    }

    /// An empty cell, `nan`, `NaN`, `NAN`, `NA` or `null`.
    static func isMissing(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        switch text.count {
        case 0: return true
        case 2: return text[0] == UInt8(ascii: "N") && text[1] == UInt8(ascii: "A")
        case 3: return text.elementsEqual("nan".utf8) || text.elementsEqual("NaN".utf8) || text.elementsEqual("NAN".utf8)
        case 4: return text.elementsEqual("null".utf8)
        default: return false
        }
    }
}
