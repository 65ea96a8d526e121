/// A JSON document with ordered keys, rendered by hand: Stripe objects list `id` and `object` first,
/// and the hot path renders one charge per request, so this writes bytes directly instead of going
/// through `JSONEncoder`'s reflection.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])
    /// Text that is already valid JSON (a stored object or metadata map), spliced as is.
    case raw(String)

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.rendered() == rhs.rendered() }

    public static func optional(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
    public static func optional(_ value: Int64?) -> JSONValue { value.map { .int($0) } ?? .null }

    /// Looks up a key of an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let fields) = self else { return nil }
        return fields.first { $0.0 == key }?.1
    }

    public func rendered() -> String {
        String(decoding: bytes(), as: UTF8.self)
    }

    /// The UTF-8 bytes of the document.
    public func bytes() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(2_048)
        render(into: &output)
        return output
    }

    public func render(into output: inout [UInt8]) {
        switch self {
        case .null: output.append(contentsOf: JSONValue.nullBytes)
        case .bool(let value): output.append(contentsOf: value ? JSONValue.trueBytes : JSONValue.falseBytes)
        case .int(let value): JSONValue.appendInteger(value, into: &output)
        case .double(let value):
            if value.isFinite { output.append(contentsOf: "\(value)".utf8) } else { output.append(contentsOf: JSONValue.nullBytes) }
        case .string(let value): JSONValue.escape(value, into: &output)
        case .raw(let text): output.append(contentsOf: text.utf8)
        case .array(let values):
            output.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                value.render(into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let fields):
            output.append(UInt8(ascii: "{"))
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                JSONValue.escape(key, into: &output)
                output.append(UInt8(ascii: ":"))
                value.render(into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    static let nullBytes = Array("null".utf8)
    static let trueBytes = Array("true".utf8)
    static let falseBytes = Array("false".utf8)
    static let hexDigits = Array("0123456789abcdef".utf8)

    static func appendInteger(_ value: Int64, into output: inout [UInt8]) {
        if value == 0 {
            output.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            if value < 0 { output.append(UInt8(ascii: "-")) }
            for index in stride(from: count - 1, through: 0, by: -1) { output.append(buffer[index]) }
        }
    }

    static func escape(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\n"): output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "r"))
            case UInt8(ascii: "\t"): output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "t"))
            case 0..<0x20:
                output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}

extension JSONValue {
    /// An object with one more field placed after `key` (at the end when `key` is absent); anything else unchanged.
    public func inserting(_ name: String, _ value: JSONValue, after key: String) -> JSONValue {
        if case .raw(let text) = self, text.hasPrefix("{") {
            // Stored JSON text of an object: the field goes first (its place in an object does not matter to JSON).
            let rest = text.dropFirst()
            let separator = rest.drop { $0 == " " }.hasPrefix("}") ? "" : ","
            return .raw("{" + JSONValue.string(name).rendered() + ":" + value.rendered() + separator + rest)
        }
        guard case .object(var fields) = self else { return self }
        let position = fields.firstIndex { $0.0 == key }.map { $0 + 1 } ?? fields.count
        fields.insert((name, value), at: position)
        return .object(fields)
    }
}
