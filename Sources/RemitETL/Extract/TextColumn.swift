import Parquet

/// A text column of a run's staged rows as UTF-8 bytes in one buffer, instead of a `String` per row: the
/// extraction appends each value's bytes straight from the row image, the lake writes them as they are, and only
/// the columns the rules and the transform read become strings (``strings``). (A `String` per value took an
/// allocation and reference counting at every step, a third of the run's CPU at 10M payments: BENCHMARKS.md.)
///
/// Row `i` is `bytes[start(i) ..< ends[i]]`; a null row has no bytes and `present[i] == false`.
public struct TextColumn: Sendable, Equatable {
    private(set) var bytes: [UInt8] = []
    private(set) var ends: [Int] = []
    private(set) var present: [Bool] = []

    public init() {}

    public var count: Int { ends.count }

    mutating func append(_ utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: utf8)
        ends.append(bytes.count)
        present.append(true)
    }

    mutating func append(_ string: String) {
        var string = string
        string.withUTF8 { append($0) }
    }

    mutating func appendNull() {
        ends.append(bytes.count)
        present.append(false)
    }

    mutating func reserveCapacity(rows: Int, bytes count: Int) {
        ends.reserveCapacity(rows)
        present.reserveCapacity(rows)
        bytes.reserveCapacity(count)
    }

    private func start(_ row: Int) -> Int { row == 0 ? 0 : ends[row - 1] }

    /// Every row's value as a string: for the columns the rules and the transform read.
    public var strings: [String?] {
        bytes.withUnsafeBufferPointer { all in
            ends.indices.map { row in
                present[row] ? String(decoding: UnsafeBufferPointer(rebasing: all[start(row)..<ends[row]]), as: UTF8.self) : nil
            }
        }
    }

    /// Row `row`'s bytes (empty for a null), valid inside `body`.
    func withUTF8<Result>(_ row: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        bytes.withUnsafeBufferPointer { all in body(UnsafeBufferPointer(rebasing: all[start(row)..<ends[row]])) }
    }

    func isPresent(_ row: Int) -> Bool { present[row] }

    /// Whether row `row` holds exactly `string`.
    func equals(_ row: Int, _ string: String) -> Bool {
        guard present[row] else { return false }
        var string = string
        return string.withUTF8 { other in withUTF8(row) { $0.elementsEqual(other) } }
    }

    /// The rows at `indices`, in that order.
    func subset(_ indices: [Int]) -> TextColumn {
        var result = TextColumn()
        result.reserveCapacity(rows: indices.count, bytes: indices.reduce(0) { $0 + ends[$1] - start($1) })
        bytes.withUnsafeBufferPointer { all in
            for row in indices {
                if present[row] {
                    result.append(UnsafeBufferPointer(rebasing: all[start(row)..<ends[row]]))
                } else {
                    result.appendNull()
                }
            }
        }
        return result
    }

    /// Rows `range` for the lake: the non-null values' bytes (contiguous: a null has none) and, for an optional
    /// column, which rows have one.
    func parquet(_ range: Range<Int>, optional: Bool) -> ParquetColumnData {
        let base = range.isEmpty ? 0 : start(range.lowerBound)
        let end = range.isEmpty ? 0 : ends[range.upperBound - 1]
        var valueEnds: [Int] = []
        valueEnds.reserveCapacity(range.count)
        for row in range where present[row] { valueEnds.append(ends[row] - base) }
        let values = ByteArrays(bytes: Array(bytes[base..<end]), ends: valueEnds)
        return ParquetColumnData(.byteArrays(values), present: optional ? Array(present[range]) : nil)
    }
}
