/// A scalar of a change-capture row image.
enum RowImageValue: Equatable {
    case null
    case string(String)
    case integer(Int64)
    /// A number with a fraction or an exponent, kept as its text (an amount is never one).
    case number(String)
    case bool(Bool)
    /// A nested object or array, kept as its JSON text.
    case json(String)
}

/// A scalar as the bytes parser hands it over, without making a string: text as a byte range of the image, or of
/// the parser's ``RowImageParser/unescaped`` buffer for a string that had escapes (valid until the next parse).
enum RowImageScalar: Equatable {
    case null
    case text(Range<Int>)
    case unescaped(Range<Int>)
    case integer(Int64)
    /// A number with a fraction or an exponent (or too big for 64 bits), as its text in the image.
    case number(Range<Int>)
    case bool(Bool)
    /// A nested object or array, as its JSON text in the image.
    case json(Range<Int>)
}

/// Parses the flat JSON objects the change capture writes (`{"column": scalar, …}`, both engines) straight from
/// their UTF-8 bytes: one pass, no Foundation objects, keys matched against the table's column names without
/// making a string of them. It runs once per extracted row, so it is the extraction's inner loop.
struct RowImageParser {
    struct Malformed: Error, CustomStringConvertible {
        let offset: Int
        let reason: String
        var description: String { "malformed row image at byte \(offset): \(reason)" }
    }

    /// The table's column names as bytes, and the column found after each one last time: images of one table
    /// list their keys in one order, so the guess is almost always right.
    private let names: [[UInt8]]
    private var nextGuess: [Int]
    private var firstGuess = 0
    /// The decoded bytes of the last parse's strings that had escapes (``RowImageScalar/unescaped(_:)``).
    private(set) var unescaped: [UInt8] = []

    init(columns: [String]) {
        names = columns.map { Array($0.utf8) }
        nextGuess = Array(repeating: 0, count: columns.count)
    }

    /// Calls `visit(column, value)` for each key, with the column's index or nil for a key the table does not
    /// have (`unknown` gets its name). Values as strings: for tests and tools; the extraction parses bytes.
    mutating func parse(_ text: String, visit: (Int, RowImageValue) -> Void, unknown: (String) -> Void) throws(Malformed) {
        var copy = text
        let result: Malformed? = copy.withUTF8 { bytes in
            do throws(Malformed) {
                var scalars: [(Int, RowImageScalar)] = []
                try parse(bytes, visit: { scalars.append(($0, $1)) }, unknown: unknown)
                for (column, scalar) in scalars { visit(column, value(of: scalar, in: bytes)) }
                return nil
            } catch {
                return error
            }
        }
        if let result { throw result }
    }

    /// A scalar of the last parse of `image` as a value.
    func value(of scalar: RowImageScalar, in image: UnsafeBufferPointer<UInt8>) -> RowImageValue {
        func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: image[range]), as: UTF8.self) }
        switch scalar {
        case .null: return .null
        case .text(let range): return .string(text(range))
        case .unescaped(let range): return .string(String(decoding: unescaped[range], as: UTF8.self))
        case .integer(let integer): return .integer(integer)
        case .number(let range): return .number(text(range))
        case .bool(let flag): return .bool(flag)
        case .json(let range): return .json(text(range))
        }
    }

    /// Calls `visit(column, scalar)` for each key the table has, in place from the image's bytes (`unknown` gets
    /// the name of any other key). Scalars with escapes point into ``unescaped``, which the next parse replaces.
    mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>, visit: (Int, RowImageScalar) -> Void,
                        unknown: (String) -> Void) throws(Malformed) {
        unescaped.removeAll(keepingCapacity: true)
        var index = 0
        func skipSpace() {
            while index < bytes.count, bytes[index] == 32 || bytes[index] == 10 || bytes[index] == 13 || bytes[index] == 9 {
                index += 1
            }
        }
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { throw Malformed(offset: index, reason: "not an object") }
        index += 1
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { return }
        var previous = -1
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Malformed(offset: index, reason: "expected a key") }
            let keyStart = index + 1
            guard let keyEnd = Self.plainStringEnd(bytes, from: keyStart) else {
                throw Malformed(offset: index, reason: "a key with escapes or no end")
            }
            index = keyEnd + 1
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw Malformed(offset: index, reason: "expected ':'") }
            index += 1
            skipSpace()
            let value = try Self.value(bytes, &index, unescaped: &unescaped)
            let column = column(bytes, keyStart, keyEnd, after: previous)
            if let column {
                visit(column, value)
                previous = column
            } else {
                unknown(String(decoding: UnsafeBufferPointer(rebasing: bytes[keyStart..<keyEnd]), as: UTF8.self))
            }
            skipSpace()
            guard index < bytes.count else { throw Malformed(offset: index, reason: "unterminated object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { throw Malformed(offset: index, reason: "expected ',' or '}'") }
            return
        }
    }

    /// The column whose name is `bytes[start..<end]`: first the one that followed `previous` last time.
    private mutating func column(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, after previous: Int) -> Int? {
        let guess = previous < 0 ? firstGuess : nextGuess[previous]
        func matches(_ candidate: Int) -> Bool {
            let name = names[candidate]
            guard name.count == end - start else { return false }
            for offset in 0..<name.count where name[offset] != bytes[start + offset] { return false }
            return true
        }
        var found: Int?
        if guess < names.count, matches(guess) {
            found = guess
        } else {
            found = names.indices.first(where: matches)
        }
        if let found {
            if previous < 0 { firstGuess = found } else { nextGuess[previous] = found }
        }
        return found
    }

    /// The index of the closing quote of a string with no escapes starting at `from`, or nil.
    static func plainStringEnd(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var index = from
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""): return index
            case UInt8(ascii: "\\"): return nil
            default: index += 1
            }
        }
        return nil
    }

    static func value(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int,
                      unescaped: inout [UInt8]) throws(Malformed) -> RowImageScalar {
        guard index < bytes.count else { throw Malformed(offset: index, reason: "expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            return try string(bytes, &index, unescaped: &unescaped)
        case UInt8(ascii: "n"):
            try literal(bytes, &index, "null")
            return .null
        case UInt8(ascii: "t"):
            try literal(bytes, &index, "true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal(bytes, &index, "false")
            return .bool(false)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let start = index
            try skipNested(bytes, &index)
            return .json(start..<index)
        default:
            return try number(bytes, &index)
        }
    }

    static func literal(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int, _ word: StaticString) throws(Malformed) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw Malformed(offset: index, reason: "truncated literal") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw Malformed(offset: index, reason: "unknown literal")
        }
        index += count
    }

    static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) throws(Malformed) -> RowImageScalar {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var magnitude: UInt64 = 0
        var digits = 0
        var overflow = false
        while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
            let (times, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(UInt64(bytes[index] - 48))
            overflow = overflow || o1 || o2
            magnitude = sum
            digits += 1
            index += 1
        }
        guard digits > 0 else { throw Malformed(offset: start, reason: "expected a value") }
        var fractional = false
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] | 0x20 == UInt8(ascii: "e") {
            fractional = true
            while index < bytes.count {
                let byte = bytes[index]
                guard (byte >= 48 && byte <= 57) || byte == UInt8(ascii: ".") || byte | 0x20 == UInt8(ascii: "e")
                        || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") else { break }
                index += 1
            }
        }
        if fractional || overflow || magnitude > UInt64(Int64.max) + (negative ? 1 : 0) {
            return .number(start..<index)
        }
        return .integer(negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude))
    }

    /// The string starting at `index` (its opening quote): its range in the image when it has no escapes, else
    /// its decoded bytes appended to `unescaped` and their range there.
    static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int,
                       unescaped output: inout [UInt8]) throws(Malformed) -> RowImageScalar {
        let start = index + 1
        if let end = plainStringEnd(bytes, from: start) {
            index = end + 1
            return .text(start..<end)
        }
        let first = output.count
        var position = start
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                index = position + 1
                return .unescaped(first..<output.count)
            }
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                position += 1
                continue
            }
            guard position + 1 < bytes.count else { break }
            let escaped = bytes[position + 1]
            position += 2
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escaped)
            case UInt8(ascii: "b"): output.append(8)
            case UInt8(ascii: "f"): output.append(12)
            case UInt8(ascii: "n"): output.append(10)
            case UInt8(ascii: "r"): output.append(13)
            case UInt8(ascii: "t"): output.append(9)
            case UInt8(ascii: "u"):
                guard var scalar = hex4(bytes, position) else { throw Malformed(offset: position, reason: "bad \\u escape") }
                position += 4
                if (0xD800..<0xDC00).contains(scalar), position + 6 <= bytes.count, bytes[position] == UInt8(ascii: "\\"),
                   bytes[position + 1] == UInt8(ascii: "u"), let low = hex4(bytes, position + 2), (0xDC00..<0xE000).contains(low) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    position += 6
                }
                output.append(contentsOf: Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8))
            default:
                throw Malformed(offset: position - 1, reason: "unknown escape")
            }
        }
        throw Malformed(offset: start, reason: "unterminated string")
    }

    static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32? {
        guard at + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = bytes[at + offset]
            let digit: UInt32
            switch byte {
            case 48...57: digit = UInt32(byte - 48)
            case 65...70: digit = UInt32(byte - 55)
            case 97...102: digit = UInt32(byte - 87)
            default: return nil
            }
            value = value * 16 + digit
        }
        return value
    }

    /// Skips a nested object or array (strings inside may hold brackets).
    static func skipNested(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) throws(Malformed) {
        var depth = 0
        let start = index
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                index += 1
                if depth == 0 { return }
            case UInt8(ascii: "\""):
                var discarded: [UInt8] = []
                _ = try string(bytes, &index, unescaped: &discarded)
            default:
                index += 1
            }
        }
        throw Malformed(offset: start, reason: "unterminated nested value")
    }
}
