@testable import Parquet
import Testing

struct ThriftCompactWriterTests {
    @Test func shortFieldHeadersCarryTheDeltaAndTheType() {
        var w = ThriftCompactWriter()
        w.beginStruct()
        w.field(1, i32: 1)
        w.field(2, string: "ab")
        w.field(3, i64: -1)
        w.endStruct()
        #expect(w.bytes == [0x15, 0x02, 0x18, 0x02, 0x61, 0x62, 0x16, 0x01, 0x00])  // each header holds the delta (1)
    }

    @Test func aFieldIDJumpOfMoreThanFifteenUsesTheLongForm() {
        var w = ThriftCompactWriter()
        w.beginStruct()
        w.field(1, i32: 0)
        w.field(17, i32: 300)
        w.endStruct()
        // 300 zigzag = 600 = varint 0xD8 0x04.
        #expect(w.bytes == [0x15, 0x00, 0x05, 0x22, 0xD8, 0x04, 0x00])
    }

    @Test func nestedStructsRestartFieldIDsAndBoolsLiveInTheHeader() {
        var w = ThriftCompactWriter()
        w.beginStruct()
        w.field(8, struct: { inner in
            inner.field(1, bool: true)
            inner.field(2, struct: { _ in })
        })
        w.field(9, bool: false)
        w.endStruct()
        #expect(w.bytes == [0x8C, 0x11, 0x1C, 0x00, 0x00, 0x12, 0x00])
    }

    @Test func listsHaveShortAndLongHeaders() {
        var w = ThriftCompactWriter()
        w.listHeader(.i32, count: 3)
        for value: Int32 in [1, 2, 3] { w.element(i32: value) }
        #expect(w.bytes == [0x35, 0x02, 0x04, 0x06])
        var long = ThriftCompactWriter()
        long.listHeader(.structure, count: 20)
        #expect(long.bytes == [0xFC, 0x14])
    }
}
