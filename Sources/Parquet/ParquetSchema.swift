/// A flat Parquet schema: named leaf columns, required or optional.
public struct ParquetSchema: Sendable, Equatable {
    public var columns: [ParquetColumn]

    public init(_ columns: [ParquetColumn]) { self.columns = columns }
}

public struct ParquetColumn: Sendable, Equatable {
    /// What a column holds, and how it is stored.
    public enum Kind: Sendable, Equatable {
        case int32, int64, double, boolean
        /// UTF-8 text (BYTE_ARRAY, logical STRING).
        case string
        /// An instant, microseconds or milliseconds since 1970 UTC (INT64, logical TIMESTAMP, adjusted to UTC).
        case timestampMicros, timestampMillis
        /// Days since 1970-01-01 (INT32, logical DATE).
        case date
        /// A decimal with `scale` digits after the point, stored as its unscaled INT64 (precision ≤ 18):
        /// money in minor units is `decimal(18, 2)` of the minor-unit amount.
        case decimal(precision: Int, scale: Int)

        var physicalType: Int32 {
            switch self {
            case .boolean: 0
            case .int32, .date: 1
            case .int64, .timestampMicros, .timestampMillis, .decimal: 2
            case .double: 5
            case .string: 6
            }
        }
    }

    public var name: String
    public var kind: Kind
    public var optional: Bool
    /// Dictionary-encode the values (low-cardinality text: currency, status, merchant ids). Falls back to PLAIN
    /// when the dictionary passes 1 MiB.
    public var dictionary: Bool

    public init(_ name: String, _ kind: Kind, optional: Bool = false, dictionary: Bool = false) {
        precondition({ if case .decimal(let p, let s) = kind { return p <= 18 && s >= 0 && s <= p } else { return true } }(),
                     "decimal precision ≤ 18, 0 ≤ scale ≤ precision")
        self.name = name
        self.kind = kind
        self.optional = optional
        self.dictionary = dictionary
    }
}

/// One column's values for one row group: the non-null values in row order, and which rows have one.
public struct ParquetColumnData: Sendable {
    public enum Values: Sendable {
        case int32([Int32])
        case int64([Int64])
        case double([Double])
        case boolean([Bool])
        case string([String])
        /// Strings as UTF-8 bytes in one buffer (written as ``string(_:)`` is).
        case byteArrays(ByteArrays)

        var count: Int {
            switch self {
            case .int32(let v): v.count
            case .int64(let v): v.count
            case .double(let v): v.count
            case .boolean(let v): v.count
            case .string(let v): v.count
            case .byteArrays(let v): v.count
            }
        }
    }

    public var values: Values
    /// Per row: whether it has a value (optional columns); nil means every row has one.
    public var present: [Bool]?

    public init(_ values: Values, present: [Bool]? = nil) {
        self.values = values
        self.present = present
    }

    public var rowCount: Int { present?.count ?? values.count }
}
