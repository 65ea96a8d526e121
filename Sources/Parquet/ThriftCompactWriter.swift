/// Writes Thrift's compact protocol: the encoding of every Parquet header and of the footer.
///
/// Fields must be written in increasing id order inside a struct; `beginStruct`/`endStruct` keep the id stack.
struct ThriftCompactWriter {
    enum FieldType: UInt8 {
        case boolTrue = 1, boolFalse = 2, i8 = 3, i16 = 4, i32 = 5, i64 = 6, double = 7, binary = 8, list = 9,
             set = 10, map = 11, structure = 12
    }

    private(set) var bytes: [UInt8] = []
    private var lastFieldID: [Int16] = [0]

    init() { bytes.reserveCapacity(256) }

    mutating func fieldHeader(_ type: FieldType, id: Int16) {
        let delta = id - lastFieldID[lastFieldID.count - 1]
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            varint(zigzag(Int64(id)))
        }
        lastFieldID[lastFieldID.count - 1] = id
    }

    mutating func field(_ id: Int16, i32 value: Int32) {
        fieldHeader(.i32, id: id)
        varint(zigzag(Int64(value)))
    }

    mutating func field(_ id: Int16, i64 value: Int64) {
        fieldHeader(.i64, id: id)
        varint(zigzag(value))
    }

    mutating func field(_ id: Int16, bool value: Bool) {
        fieldHeader(value ? .boolTrue : .boolFalse, id: id)
    }

    mutating func field(_ id: Int16, binary value: [UInt8]) {
        fieldHeader(.binary, id: id)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func field(_ id: Int16, string value: String) { field(id, binary: Array(value.utf8)) }

    /// A struct-valued field: `body` writes its fields.
    mutating func field(_ id: Int16, struct body: (inout ThriftCompactWriter) -> Void) {
        fieldHeader(.structure, id: id)
        beginStruct()
        body(&self)
        endStruct()
    }

    /// A list-valued field of `count` elements of `elementType`; `body` writes the elements.
    mutating func field(_ id: Int16, listOf elementType: FieldType, count: Int, _ body: (inout ThriftCompactWriter) -> Void) {
        fieldHeader(.list, id: id)
        listHeader(elementType, count: count)
        body(&self)
    }

    mutating func listHeader(_ elementType: FieldType, count: Int) {
        if count <= 14 {
            bytes.append(UInt8(count) << 4 | elementType.rawValue)
        } else {
            bytes.append(0xF0 | elementType.rawValue)
            varint(UInt64(count))
        }
    }

    /// A struct element of a list (no field header).
    mutating func element(struct body: (inout ThriftCompactWriter) -> Void) {
        beginStruct()
        body(&self)
        endStruct()
    }

    mutating func element(i32 value: Int32) { varint(zigzag(Int64(value))) }

    mutating func element(string value: String) {
        let utf8 = Array(value.utf8)
        varint(UInt64(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    mutating func beginStruct() { lastFieldID.append(0) }

    mutating func endStruct() {
        bytes.append(0)
        lastFieldID.removeLast()
    }

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    func zigzag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }
}
