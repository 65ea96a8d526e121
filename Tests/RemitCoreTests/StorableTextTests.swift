import RemitCore
import Testing

struct StorableTextTests {
    @Test func nulAndInvalidBytesBecomeReplacementCharacters() {
        #expect(StorableText.from(bytes: [0x61, 0x00, 0x62]) == "a\u{FFFD}b")
        #expect(StorableText.from(bytes: [0x61, 0xC3, 0x28]) == "a\u{FFFD}(")
        #expect(StorableText.from("ok\u{0}") == "ok\u{FFFD}")
        #expect(StorableText.from("été") == "été")
        #expect(StorableText.isStorable("été") && !StorableText.isStorable("a\u{0}"))
    }

    @Test func aCutFallsBetweenScalarsAndNeverPassesTheLimit() {
        // "é" is two bytes: a limit of 3 keeps "aé", a limit of 2 only "a".
        #expect(StorableText.from("aéb", bytesMax: 3) == "aé")
        #expect(StorableText.from("aéb", bytesMax: 2) == "a")
        #expect(StorableText.from(bytes: Array("x".utf8) + [0xFF, 0xFF], bytesMax: 4) == "x\u{FFFD}")
        #expect(StorableText.from("short", bytesMax: 100) == "short")
    }
}
