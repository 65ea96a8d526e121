@testable import Parquet
import Testing

struct HybridEncodingTests {
    @Test func anAllPresentColumnIsOneRLERun() {
        var out: [UInt8] = []
        HybridEncoding.definitionLevels(nil, count: 1000, into: &out)
        #expect(out == [0xD0, 0x0F, 0x01])  // varint(1000 << 1), value 1
    }

    @Test func missingValuesAreBitPackedLSBFirst() {
        var out: [UInt8] = []
        HybridEncoding.definitionLevels([true, false, true, true, false, false, false, true, true], count: 9, into: &out)
        // two groups of 8: header varint(2 << 1 | 1) = 5; bits 1,0,1,1,0,0,0,1 → 0x8D; then 1 → 0x01
        #expect(out == [0x05, 0x8D, 0x01])
    }

    @Test func indicesUseTheBitWidthOfTheLargest() {
        #expect(HybridEncoding.bitWidth(of: 0) == 0)
        #expect(HybridEncoding.bitWidth(of: 1) == 1)
        #expect(HybridEncoding.bitWidth(of: 5) == 3)
        var out: [UInt8] = []
        let values: [UInt32] = [0, 1, 2, 3, 4, 5, 6, 7]
        HybridEncoding.bitPacked(count: 8, bitWidth: 3, into: &out) { values[$0] }
        // The format's own example: 0..7 at width 3 → 0x88 0xC6 0xFA.
        #expect(out == [0x03, 0x88, 0xC6, 0xFA])
    }
}
