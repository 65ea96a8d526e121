import Testing
@testable import Parquet

struct ByteArrayDictionaryTests {
    /// A deterministic generator (xorshift), so the case is the same on every run.
    struct Generator {
        var state: UInt64
        mutating func next(below bound: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(bound))
        }
    }

    @Test(arguments: [0, 1, 63, 64, 65, 5_000])
    func distinctValuesKeepTheirFirstSeenOrderAndEachRowItsIndex(distinct: Int) {
        var generator = Generator(state: 0x9E37_79B9_7F4A_7C15)
        // Values of several lengths, the empty one among them, repeated in a random order.
        let pool = (0..<distinct).map { index in String(repeating: "x", count: index % 7) + "v\(index)" }
            + (distinct > 0 ? [""] : [])
        let rows = pool.isEmpty ? [] : (0..<(pool.count * 3)).map { _ in pool[generator.next(below: pool.count)] }
        let dictionary = try! #require(ByteArrayDictionary(ByteArrays(rows)))
        var expected: [String] = []
        var positions: [String: UInt32] = [:]
        let expectedIndices = rows.map { value -> UInt32 in
            if let known = positions[value] { return known }
            positions[value] = UInt32(expected.count)
            expected.append(value)
            return UInt32(expected.count - 1)
        }
        #expect(dictionary.values == ByteArrays(expected))
        #expect(dictionary.indices == expectedIndices)
    }

    @Test func aDictionaryOverItsByteLimitIsNotMade() {
        let big = (0..<3).map { String(repeating: Character(UnicodeScalar(UInt8(97 + $0))), count: ColumnChunkEncoder.dictionaryBytesMax / 2) }
        #expect(ByteArrayDictionary(ByteArrays(big)) == nil)
        #expect(ByteArrayDictionary(ByteArrays(Array(big.prefix(1)))) != nil)
    }

    @Test func boundsAreInUnsignedByteOrder() {
        let values = ByteArrays(["b", "é", "a", "ab", "", "z"])
        let (low, high) = ColumnChunkEncoder.bounds(values)
        #expect(low == [])
        #expect(high == Array("é".utf8), "UTF-8 bytes over 0x7F sort after ASCII")
        #expect(ColumnChunkEncoder.bounds(ByteArrays()) == (nil, nil))
    }
}
