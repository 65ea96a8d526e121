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
        var text = String(decoding: data, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        guard let headerLine = lines.first else { throw DataError("\(source) is empty: a header row is required") }
        let header = fields(headerLine).map { $0.trimmingCharacters(in: .whitespaces) }
        let names = wanted ?? header
        let indices = try names.map { name throws(DataError) in
            guard let index = header.firstIndex(of: name) else {
                throw DataError("\(source): no column named \(name) (columns: \(header.joined(separator: ", ")))")
            }
            return index
        }
        var values = [Float]()
        values.reserveCapacity((lines.count - 1) * names.count)
        var cell = [CChar]()
        for (number, line) in lines.enumerated().dropFirst() {
            let cells = fields(line)
            guard cells.count == header.count else {
                throw DataError("\(source) line \(number + 1): \(cells.count) fields, the header has \(header.count)")
            }
            for (position, index) in indices.enumerated() {
                guard let value = parseNumber(cells[index], buffer: &cell) else {
                    throw DataError("\(source) line \(number + 1), column \(names[position]): \"\(cells[index])\" is not a number")
                }
                values.append(value)
            }
        }
        return Result(
            table: NumericTable(columnNames: names, values: values), header: String(headerLine),
            lines: keepLines ? Array(lines.dropFirst()) : nil)
    }

    /// The fields of one line; quoted fields may hold commas and doubled quotes.
    static func fields(_ line: Substring) -> [String] {
        guard line.contains("\"") else { return line.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        var result: [String] = [], current = "", quoted = false
        var iterator = line.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { current.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else { current.append(character) }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                result.append(current); current = ""
            } else {
                current.append(character)
            }
        }
        result.append(current)
        return result
    }

    static func parseNumber(_ cell: String, buffer: inout [CChar]) -> Float? {
        let trimmed = cell.trimmingCharacters(in: .whitespaces)
        switch trimmed {
        case "", "nan", "NaN", "NAN", "NA", "null": return .nan
        default: break
        }
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: trimmed.utf8CString)
        return buffer.withUnsafeBufferPointer { pointer -> Float? in
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(pointer.baseAddress!, &end)
            guard let end, end.pointee == 0, end != UnsafeMutablePointer(mutating: pointer.baseAddress!) else { return nil }
            return Float(value)
        }
    }
}
