/// One SQL text for both engines. Interpolated values become bound parameters, never text.
///
/// ```swift
/// let sql: SQL = "SELECT id FROM charges WHERE account_id = \(accountID) AND amount > \(minimum)"
/// ```
/// The text is rendered with `?` placeholders for SQLite and `$1, $2, …` for PostgreSQL.
/// Trusted fragments (constant identifiers, other `SQL` values) are spliced with `\(raw:)` and `\(sql:)`.
public struct SQL: Sendable, Hashable, ExpressibleByStringInterpolation {
    enum Piece: Sendable, Hashable {
        case text(String)
        case bind(SQLValue)
    }

    var pieces: [Piece]

    /// Whether the engine keeps this statement prepared on each connection (see ``prepared()``).
    public private(set) var isPrepared = false

    public init(stringLiteral value: String) {
        pieces = [.text(value)]
    }

    public init(stringInterpolation: StringInterpolation) {
        pieces = stringInterpolation.pieces
    }

    /// Values bound in order of appearance.
    public var binds: [SQLValue] {
        var values: [SQLValue] = []
        values.reserveCapacity(pieces.count / 2 + 1)
        for case .bind(let value) in pieces { values.append(value) }
        return values
    }

    /// The statement text for an engine's placeholder style.
    public func text(for dialect: SQLDialect) -> String {
        // Built as UTF-8 bytes and made a string once: a bulk insert's statement has thousands of pieces, and
        // appending each to a String cost more than SQLite's parse of the result.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(pieces.count * 4)
        var index = 0
        for piece in pieces {
            switch piece {
            case .text(let text):
                bytes.append(contentsOf: text.utf8)
            case .bind:
                index += 1
                switch dialect {
                case .sqlite: bytes.append(UInt8(ascii: "?"))
                case .postgres:
                    bytes.append(UInt8(ascii: "$"))
                    bytes.append(contentsOf: String(index).utf8)
                }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Marks a statement that runs often with the same text (only its bound values change): PostgreSQL then parses
    /// and plans it once per connection, as a named prepared statement, instead of on every run (a charge's
    /// statements spent as long being planned as being executed). SQLite caches every statement anyway.
    ///
    /// Only for texts from a small, fixed set: a prepared text stays on each connection for the connection's life,
    /// so statements whose shape varies with their input (`IN` lists, multi-row `VALUES`) must not be marked.
    public func prepared() -> SQL {
        var result = self
        result.isPrepared = true
        return result
    }

    /// `statement`, marked ``prepared()``: `connection.execute(.prepared("INSERT …"))`.
    public static func prepared(_ statement: SQL) -> SQL {
        statement.prepared()
    }

    /// The concatenation is prepared only if both sides are.
    public static func + (lhs: SQL, rhs: SQL) -> SQL {
        var result = lhs
        result.pieces += rhs.pieces
        result.isPrepared = lhs.isPrepared && rhs.isPrepared
        return result
    }

    /// Joins fragments with a separator, e.g. `AND` for a list of conditions.
    public static func join(_ parts: [SQL], separator: String) -> SQL {
        var result: SQL = ""
        result.pieces = []
        for (index, part) in parts.enumerated() {
            if index > 0 { result.pieces.append(.text(separator)) }
            result.pieces += part.pieces
        }
        return result
    }

    /// `(?, ?, …), (?, ?, …)` binding `rows`, built in one pass straight from the values (a bulk load builds millions
    /// of cells); the columns in `casts` are bound as `CAST(? AS type)` (e.g. text into `NUMERIC` on PostgreSQL).
    public static func rows(values rows: some Collection<[SQLValue]>, casts: [Int: String] = [:]) -> SQL {
        var result: SQL = ""
        result.pieces = []
        result.pieces.reserveCapacity(rows.count * ((rows.first?.count ?? 1) * 2 + 1))
        var first = true
        for row in rows {
            result.pieces.append(.text(first ? "(" : ", ("))
            first = false
            for (index, value) in row.enumerated() {
                if let type = casts[index] {
                    result.pieces.append(.text(index > 0 ? ", CAST(" : "CAST("))
                    result.pieces.append(.bind(value))
                    result.pieces.append(.text(" AS \(type))"))
                } else {
                    if index > 0 { result.pieces.append(.text(", ")) }
                    result.pieces.append(.bind(value))
                }
            }
            result.pieces.append(.text(")"))
        }
        return result
    }

    /// `(a, b, …), (c, d, …)`: the rows of a multi-row `VALUES`, built in one pass (a bulk load builds thousands).
    public static func rows(_ rows: some Collection<[SQL]>) -> SQL {
        var result: SQL = ""
        result.pieces = []
        result.pieces.reserveCapacity(rows.count * ((rows.first?.count ?? 1) * 2 + 1))
        var first = true
        for row in rows {
            result.pieces.append(.text(first ? "(" : ", ("))
            first = false
            for (index, cell) in row.enumerated() {
                if index > 0 { result.pieces.append(.text(", ")) }
                result.pieces.append(contentsOf: cell.pieces)
            }
            result.pieces.append(.text(")"))
        }
        return result
    }

    public struct StringInterpolation: StringInterpolationProtocol, Sendable {
        var pieces: [Piece] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            pieces.reserveCapacity(interpolationCount * 2 + 1)
        }

        public mutating func appendLiteral(_ literal: String) {
            pieces.append(.text(literal))
        }

        public mutating func appendInterpolation(_ value: some SQLBindable) {
            pieces.append(.bind(value.sqlValue))
        }

        /// nil binds SQL NULL.
        public mutating func appendInterpolation<Value: SQLBindable>(_ value: Value?) {
            pieces.append(.bind(value?.sqlValue ?? .null))
        }

        /// Splices trusted text (a constant identifier or keyword). Never pass user input.
        public mutating func appendInterpolation(raw text: String) {
            pieces.append(.text(text))
        }

        public mutating func appendInterpolation(sql: SQL) {
            pieces += sql.pieces
        }
    }
}

/// The two engines Remit stores data in.
public enum SQLDialect: String, Sendable, Hashable {
    case sqlite
    case postgres
}
