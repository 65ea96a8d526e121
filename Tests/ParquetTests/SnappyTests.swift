import Parquet
import Testing

struct SnappyTests {
    @Test func knownBlocksDecompress() throws {
        #expect(try Snappy.decompress([0x00]) == [])
        #expect(try Snappy.decompress([0x05, 0x10] + Array("hello".utf8)) == Array("hello".utf8))
        // A literal "abcd" then a 1-byte-offset copy of 8 bytes at offset 4 (overlapping).
        #expect(try Snappy.decompress([0x0C, 0x0C] + Array("abcd".utf8) + [0x11, 0x04]) == Array("abcdabcdabcd".utf8))
        #expect(throws: Snappy.DecompressionError.self) { try Snappy.decompress([0x05, 0x10, 0x61]) }
    }

    @Test func theEmptyInputIsOneByte() {
        #expect(Snappy.compress([]) == [0x00])
    }

    @Test(arguments: [0, 1, 14, 15, 16, 100, 65_535, 65_536, 65_537, 300_000])
    func compressionRoundTripsAndShrinksRepetitiveData(size: Int) throws {
        var generator = SplitMix(seed: UInt64(size))
        let random = (0..<size).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        #expect(try Snappy.decompress(Snappy.compress(random)) == random)
        let text = Array(String(repeating: "currency=usd;status=succeeded;", count: size / 30 + 1).utf8.prefix(size))
        let compressed = Snappy.compress(text)
        #expect(try Snappy.decompress(compressed) == text)
        if size > 1_000 { #expect(compressed.count < size / 4) }
        let runs = [UInt8](repeating: 7, count: size)
        #expect(try Snappy.decompress(Snappy.compress(runs)) == runs)
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
