import RemitAPI
import RemitCore
import RemitStore
import Testing

struct FormTests {
    @Test func decodesStripeNesting() throws {
        let form = try Form.parse("amount=1000&metadata[order]=42&expand[0]=a&expand[1]=b&items[0][price]=p&email=a%40b.c")
        var reader = FormReader(form)
        #expect(try reader.int("amount") == 1000)
        #expect(try reader.string("email") == "a@b.c")
        #expect(try reader.array("expand") == ["a", "b"])
        #expect(try reader.metadata()?.entries.map(\.value) == ["42"])
        reader.accept("items")
        try reader.finish()
    }

    @Test func decodesPercentEncodedBracketsAndEmptyIndexArrays() throws {
        let form = try Form.parse("expand%5B0%5D=data.customer&tags[]=x&tags[]=y&name=Jane+Doe")
        var reader = FormReader(form)
        #expect(try reader.array("expand") == ["data.customer"])
        #expect(try reader.array("tags") == ["x", "y"])
        #expect(try reader.string("name") == "Jane Doe")
    }

    @Test func rejectsWhatItCannotRead() throws {
        #expect(throws: StripeError.self) { try Form.parse("a=%zz") }
        #expect(throws: StripeError.self) { try Form.parse("a=1&a[b]=2") }
        #expect(throws: StripeError.self) { try Form.parse("a[b=1") }
        let form = try Form.parse("amount=1&other=2")
        var reader = FormReader(form)
        _ = try reader.int("amount")
        #expect(throws: StripeError.unknown("other")) { try reader.finish() }
    }

    @Test func fingerprintsIgnorePairOrder() throws {
        #expect(try Form.parse("a=1&b=2").canonicalText == Form.parse("b=2&a=1").canonicalText)
        #expect(try Form.parse("a=1&b=2").canonicalText != Form.parse("a=1&b=3").canonicalText)
    }
}
