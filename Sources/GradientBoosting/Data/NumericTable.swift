/// A table of named numeric columns, stored row by row as `Float`; NaN is a missing value.
public struct NumericTable: Sendable {
    public var columnNames: [String]
    /// `rowCount × columnNames.count` values, row-major.
    public var values: [Float]

    public init(columnNames: [String], values: [Float] = []) {
        precondition(columnNames.isEmpty || values.count % columnNames.count == 0)
        self.columnNames = columnNames
        self.values = values
    }

    public var columnCount: Int { columnNames.count }
    public var rowCount: Int { columnCount == 0 ? 0 : values.count / columnCount }

    public func value(row: Int, column: Int) -> Float { values[row * columnCount + column] }

    public func column(_ index: Int) -> [Float] {
        (0..<rowCount).map { values[$0 * columnCount + index] }
    }

    public func columnIndex(_ name: String) -> Int? { columnNames.firstIndex(of: name) }

    /// A table of the named columns in that order; throws naming the first column that is absent.
    public func selecting(_ names: [String]) throws(DataError) -> NumericTable {
        let indices = try names.map { name throws(DataError) in
            guard let index = columnIndex(name) else { throw DataError("no column named \(name)") }
            return index
        }
        var selected = [Float]()
        selected.reserveCapacity(rowCount * names.count)
        for row in 0..<rowCount {
            let base = row * columnCount
            for index in indices { selected.append(values[base + index]) }
        }
        return NumericTable(columnNames: names, values: selected)
    }
}

/// Input data Remit cannot read, with the place and the reason.
public struct DataError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
