import Parquet
import RemitCore

/// One table's net changes of a run, parsed once into typed columns: what the lake stages, what the quality checks
/// judge, and what the transform reads. Row `i` of every column is the change `changes[i]`. The row images
/// themselves are not kept: a run holds only the typed columns.
public struct StagedRows: Sendable {
    /// A row's net change, without its image.
    public struct Change: Sendable, Equatable {
        public var key: String
        public var kind: NetChange.Kind
        /// The LSN of the row's last change.
        public var lsn: Int64
        /// The change-capture row holding the image (``ChangeFeed/images(changeIDs:)`` reads it back).
        public var changeID: Int64
        /// The range's first change of the row inserted it, so no earlier run loaded it (false when not known).
        public var created: Bool = false
    }

    /// A column's values, nil where the row has none.
    public enum Values: Sendable {
        case text(TextColumn)
        case integer([Int64?])
        case flag([Bool?])
    }

    public let table: StagedTable
    /// The net changes themselves (key, kind, LSN, where the image is), in row order.
    public private(set) var changes: [Change] = []
    /// The commit time of each row's last change, microseconds since 1970.
    public private(set) var changedAt: [Int64] = []
    /// Per source column (in `table.columns` order).
    public private(set) var values: [Values]
    /// Rows whose image broke a data-quality rule while it was parsed (a required column null, a value of the wrong
    /// type), with the reason.
    public private(set) var problems: [Int: String] = [:]
    private let positions: [String: Int]

    public var count: Int { changes.count }

    init(table: StagedTable) {
        self.table = table
        values = table.columns.map { column in
            switch column.type {
            case .text: .text(TextColumn())
            case .integer, .time: .integer([])
            case .flag: .flag([])
            }
        }
        positions = Dictionary(uniqueKeysWithValues: table.columns.enumerated().map { ($0.element.name, $0.offset) })
    }

    /// Net changes already in memory (``NetChangeReducer``'s), parsed into the table's columns.
    init(_ table: StagedTable, parsing changes: [NetChange]) throws {
        self.init(table: table)
        var parser = RowImageParser(columns: table.columns.map(\.name))
        for change in changes { try append(change, parser: &parser) }
    }

    // MARK: Reading

    /// A text column's values as strings (a programmer error if the table has no such text column).
    public func text(_ name: String) -> [String?] {
        textColumn(name).strings
    }

    /// A text column's values as they are held: UTF-8 bytes in one buffer.
    public func textColumn(_ name: String) -> TextColumn {
        guard let position = positions[name], case .text(let values) = values[position] else {
            preconditionFailure("\(table.name) has no text column \(name)")
        }
        return values
    }

    /// An integer or time column's values (times in microseconds since 1970).
    public func integer(_ name: String) -> [Int64?] {
        guard let position = positions[name], case .integer(let values) = values[position] else {
            preconditionFailure("\(table.name) has no integer column \(name)")
        }
        return values
    }

    public func flag(_ name: String) -> [Bool?] {
        guard let position = positions[name], case .flag(let values) = values[position] else {
            preconditionFailure("\(table.name) has no flag column \(name)")
        }
        return values
    }

    // MARK: Building

    /// Parses a net change's image into the columns. A key the table does not know, or a required column the
    /// image lacks, is a source schema change and stops the run; a null in a required column or a value of the
    /// wrong type is a data-quality problem of this row (recorded in `problems`).
    mutating func append(_ change: NetChange, parser: inout RowImageParser) throws {
        var image = change.rowData
        try image.withUTF8 { bytes in
            try append(Change(key: change.key, kind: change.kind, lsn: change.lsn, changeID: change.changeID,
                              created: change.created),
                       changedAt: Timestamp.unixMicroseconds(iso: change.changedAt) ?? 0, image: bytes, parser: &parser)
        }
    }

    /// ``append(_:parser:)`` from the image's UTF-8 bytes (read in place from the store), with the commit time in
    /// microseconds since 1970.
    mutating func append(_ change: Change, changedAt: Int64, image: UnsafeBufferPointer<UInt8>,
                         parser: inout RowImageParser) throws {
        let row = changes.count
        var seen = [Bool](repeating: false, count: table.columns.count)
        var unknown: [String] = []
        var problem: String?
        var parsed = [RowImageScalar](repeating: .null, count: table.columns.count)
        do {
            try parser.parse(image, visit: { column, value in
                seen[column] = true
                parsed[column] = value
            }, unknown: { unknown.append($0) })
        } catch {
            throw LakeStager.SchemaChange(table: table.name, unknown: ["<\(error)>"], missing: [])
        }
        let missing = table.columns.indices.filter { !seen[$0] && !table.columns[$0].optional }.map { table.columns[$0].name }
        if !unknown.isEmpty || !missing.isEmpty {
            throw LakeStager.SchemaChange(table: table.name, unknown: unknown, missing: missing)
        }
        for (position, column) in table.columns.enumerated() {
            let value = parsed[position]
            if value == .null, !column.optional, problem == nil { problem = "required column \(column.name) is null" }
            switch values[position] {
            case .text(var texts):
                values[position] = .text(TextColumn())  // keeps the buffers uniquely referenced: appended in place
                Self.appendText(value, image: image, unescaped: parser.unescaped, to: &texts)
                values[position] = .text(texts)
            case .integer(var integers):
                values[position] = .integer([])
                let integer = Self.integer(value, image: image, unescaped: parser.unescaped)
                if integer == nil, value != .null, problem == nil { problem = "column \(column.name) is not an integer" }
                integers.append(integer.map { column.type == .time ? $0 * 1_000_000 : $0 })
                values[position] = .integer(integers)
            case .flag(var flags):
                values[position] = .flag([])
                let flag = Self.flag(value)
                if flag == nil, value != .null, problem == nil { problem = "column \(column.name) is not a flag" }
                flags.append(flag)
                values[position] = .flag(flags)
            }
        }
        if let problem { problems[row] = problem }
        changes.append(change)
        self.changedAt.append(changedAt)
    }

    /// A scalar into a text column: a string, a number or nested JSON as its bytes in the image; an integer or a
    /// flag as its JSON text.
    static func appendText(_ value: RowImageScalar, image: UnsafeBufferPointer<UInt8>, unescaped: [UInt8],
                           to column: inout TextColumn) {
        switch value {
        case .null: column.appendNull()
        case .text(let range), .number(let range), .json(let range): column.append(UnsafeBufferPointer(rebasing: image[range]))
        case .unescaped(let range): unescaped.withUnsafeBufferPointer { column.append(UnsafeBufferPointer(rebasing: $0[range])) }
        case .integer(let integer): column.append(String(integer))
        case .bool(let flag): column.append(flag ? "true" : "false")
        }
    }

    /// A scalar into an integer column: an integer, a string of one, or a flag (1 or 0); nil for anything else.
    static func integer(_ value: RowImageScalar, image: UnsafeBufferPointer<UInt8>, unescaped: [UInt8]) -> Int64? {
        switch value {
        case .integer(let integer): integer
        case .text(let range): Int64(String(decoding: UnsafeBufferPointer(rebasing: image[range]), as: UTF8.self))
        case .unescaped(let range): Int64(String(decoding: unescaped[range], as: UTF8.self))
        case .bool(let flag): flag ? 1 : 0
        default: nil
        }
    }

    static func flag(_ value: RowImageScalar) -> Bool? {
        switch value {
        case .bool(let flag): flag
        case .integer(let integer) where integer == 0 || integer == 1: integer == 1
        default: nil
        }
    }

    /// The rows at `indices`, in that order (the accepted rows of a table, for the lake and the transform).
    func subset(_ indices: [Int]) -> StagedRows {
        var result = StagedRows(table: table)
        result.changes = indices.map { changes[$0] }
        result.changedAt = indices.map { changedAt[$0] }
        result.values = values.map { column in
            switch column {
            case .text(let values): .text(values.subset(indices))
            case .integer(let values): .integer(indices.map { values[$0] })
            case .flag(let values): .flag(indices.map { values[$0] })
            }
        }
        return result
    }

    /// The same rows in `order` (a permutation of the rows), each with its problem.
    func permuted(_ order: [Int]) -> StagedRows {
        var result = subset(order)
        for (position, row) in order.enumerated() { if let problem = problems[row] { result.problems[position] = problem } }
        return result
    }

    // MARK: Parquet

    /// The Parquet columns of rows `range` (the table's schema: source columns, then `_op`, `_lsn`, `_changed_at`).
    func parquetColumns(_ range: Range<Int>) -> [ParquetColumnData] {
        var result: [ParquetColumnData] = []
        for (position, column) in table.columns.enumerated() {
            func present<T>(_ values: [T?]) -> [Bool]? {
                column.optional ? values[range].map { $0 != nil } : nil
            }
            switch values[position] {
            case .text(let values): result.append(values.parquet(range, optional: column.optional))
            case .integer(let values): result.append(.init(.int64(values[range].compactMap { $0 }), present: present(values)))
            case .flag(let values): result.append(.init(.boolean(values[range].compactMap { $0 }), present: present(values)))
            }
        }
        result.append(.init(.string(changes[range].map(\.kind.rawValue))))
        result.append(.init(.int64(changes[range].map(\.lsn))))
        result.append(.init(.int64(Array(changedAt[range]))))
        return result
    }
}
