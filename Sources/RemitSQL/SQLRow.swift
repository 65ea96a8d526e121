/// One result row: values by column position, looked up by column name.
public struct SQLRow: Sendable {
    public let columns: SQLColumns
    public let values: [SQLValue]

    public init(columns: SQLColumns, values: [SQLValue]) {
        precondition(columns.names.count == values.count)
        self.columns = columns
        self.values = values
    }

    public subscript(_ name: String) -> SQLValue {
        guard let index = columns.index(of: name) else {
            preconditionFailure("no column '\(name)' in \(columns.names)")
        }
        return values[index]
    }

    /// Positional reads, for hot loops over a known column list (no lookup by name).
    public func int(at index: Int) -> Int64 { Self.int(values[index], columns.names[index]) }
    public func optionalInt(at index: Int) -> Int64? {
        if case .null = values[index] { return nil }
        return int(at: index)
    }
    public func string(at index: Int) -> String { Self.string(values[index], columns.names[index]) }
    public func optionalString(at index: Int) -> String? {
        if case .null = values[index] { return nil }
        return string(at: index)
    }
    public func double(at index: Int) -> Double { Self.double(values[index], columns.names[index]) }

    static func int(_ value: SQLValue, _ name: String) -> Int64 {
        switch value {
        case .integer(let value): return value
        case .real(let value): return Int64(value)
        case .text(let text): return Int64(text) ?? 0
        default: preconditionFailure("column '\(name)' is not an integer: \(value)")
        }
    }

    static func string(_ value: SQLValue, _ name: String) -> String {
        switch value {
        case .text(let text): return text
        case .integer(let value): return String(value)
        case .blob(let bytes): return String(decoding: bytes, as: UTF8.self)
        default: preconditionFailure("column '\(name)' is not text: \(value)")
        }
    }

    static func double(_ value: SQLValue, _ name: String) -> Double {
        switch value {
        case .real(let value): return value
        case .integer(let value): return Double(value)
        default: preconditionFailure("column '\(name)' is not a number: \(value)")
        }
    }

    public func int(_ name: String) -> Int64 {
        switch self[name] {
        case .integer(let value): return value
        case .real(let value): return Int64(value)
        case .text(let text): return Int64(text) ?? 0
        default: preconditionFailure("column '\(name)' is not an integer: \(self[name])")
        }
    }

    public func optionalInt(_ name: String) -> Int64? {
        if case .null = self[name] { return nil }
        return int(name)
    }

    public func string(_ name: String) -> String {
        switch self[name] {
        case .text(let text): return text
        case .integer(let value): return String(value)
        case .blob(let bytes): return String(decoding: bytes, as: UTF8.self)
        default: preconditionFailure("column '\(name)' is not text: \(self[name])")
        }
    }

    public func optionalString(_ name: String) -> String? {
        if case .null = self[name] { return nil }
        return string(name)
    }

    public func bool(_ name: String) -> Bool { int(name) != 0 }

    public func optionalDouble(_ name: String) -> Double? {
        if case .null = self[name] { return nil }
        return double(name)
    }

    public func double(_ name: String) -> Double {
        switch self[name] {
        case .real(let value): return value
        case .integer(let value): return Double(value)
        default: preconditionFailure("column '\(name)' is not a number: \(self[name])")
        }
    }
}

/// Column names of a result, shared by all its rows.
public final class SQLColumns: Sendable {
    public let names: [String]
    private let positions: [String: Int]

    public init(_ names: [String]) {
        self.names = names
        var positions: [String: Int] = [:]
        for (index, name) in names.enumerated() where positions[name] == nil {
            positions[name] = index
        }
        self.positions = positions
    }

    public func index(of name: String) -> Int? { positions[name] }
}
