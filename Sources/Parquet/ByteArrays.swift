/// Variable-length values (BYTE_ARRAY: strings as UTF-8) as one buffer: value `i` is
/// `bytes[ends[i - 1] ..< ends[i]]` (from 0 for the first). Writers that hold their strings as bytes hand them over
/// without making a `String` of each; ``ParquetColumnData/Values/string(_:)`` is turned into this.
public struct ByteArrays: Sendable, Equatable {
    public private(set) var bytes: [UInt8]
    public private(set) var ends: [Int]

    public init() {
        bytes = []
        ends = []
    }

    /// Takes `bytes` and the end offset of each value in it (non-decreasing, the last one `bytes.count`).
    public init(bytes: [UInt8], ends: [Int]) {
        precondition(ends.last ?? 0 == bytes.count, "the last value must end where the bytes do")
        self.bytes = bytes
        self.ends = ends
    }

    public init(_ strings: [String]) {
        self.init()
        bytes.reserveCapacity(strings.reduce(0) { $0 + $1.utf8.count })
        ends.reserveCapacity(strings.count)
        for var string in strings { string.withUTF8 { append($0) } }
    }

    public var count: Int { ends.count }

    public mutating func append(_ value: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: value)
        ends.append(bytes.count)
    }

    func start(of index: Int) -> Int { index == 0 ? 0 : ends[index - 1] }

    /// Value `index`'s bytes, valid inside `body`.
    func withValue<Result>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        bytes.withUnsafeBufferPointer { all in
            body(UnsafeBufferPointer(rebasing: all[start(of: index)..<ends[index]]))
        }
    }
}
