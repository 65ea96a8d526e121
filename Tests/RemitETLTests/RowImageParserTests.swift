@testable import RemitETL
import Testing

struct RowImageParserTests {
    func parse(_ text: String, columns: [String]) throws -> (values: [String: RowImageValue], unknown: [String]) {
        var parser = RowImageParser(columns: columns)
        var values: [String: RowImageValue] = [:]
        var unknown: [String] = []
        try parser.parse(text, visit: { values[columns[$0]] = $1 }, unknown: { unknown.append($0) })
        return (values, unknown)
    }

    @Test func scalarsOfBothEnginesImagesParse() throws {
        // SQLite's json_object and PostgreSQL's to_jsonb(NEW)::text spell images differently (spaces, key order).
        let columns = ["id", "amount", "paid", "metadata", "customer_id", "ratio", "note"]
        let sqlite = #"{"id":"ch_1","amount":2000,"paid":1,"metadata":"{\"k\":\"v\"}","customer_id":null,"ratio":0.25,"note":"a\nb"}"#
        let postgres = #"{"id": "ch_1", "note": "a\nb", "paid": 1, "ratio": 0.25, "amount": 2000, "metadata": "{\"k\":\"v\"}", "customer_id": null}"#
        for text in [sqlite, postgres] {
            let (values, unknown) = try parse(text, columns: columns)
            #expect(unknown.isEmpty)
            #expect(values["id"] == .string("ch_1"))
            #expect(values["amount"] == .integer(2000))
            #expect(values["paid"] == .integer(1))
            #expect(values["metadata"] == .string(#"{"k":"v"}"#), "a JSON column is text inside the image")
            #expect(values["customer_id"] == .null)
            #expect(values["ratio"] == .number("0.25"))
            #expect(values["note"] == .string("a\nb"))
        }
    }

    @Test func escapesUnicodeNestingAndExtremesParse() throws {
        let columns = ["s", "n", "big", "neg", "nested", "flag"]
        let text = #"{"s":"\u00e9\ud83d\ude00 \"q\" \\ \/ \t","n":-9223372036854775808,"big":18446744073709551616,"neg":-5,"nested":{"a":[1,"]}"]},"flag":true}"#
        let (values, _) = try parse(text, columns: columns)
        #expect(values["s"] == .string("é😀 \"q\" \\ / \t"))
        #expect(values["n"] == .integer(Int64.min))
        #expect(values["big"] == .number("18446744073709551616"), "too big for 64 bits: kept as text, never wrapped")
        #expect(values["neg"] == .integer(-5))
        #expect(values["nested"] == .json(#"{"a":[1,"]}"]}"#))
        #expect(values["flag"] == .bool(true))
    }

    @Test func unknownKeysAreReportedByNameAndBrokenTextIsRefused() throws {
        let (_, unknown) = try parse(#"{"id":"x","surprise":1}"#, columns: ["id"])
        #expect(unknown == ["surprise"])
        for broken in ["", "[]", #"{"id":"x""#, #"{"id":x}"#, #"{"id":"x",}"#, #"{"id":"\q"}"#, #"{"id":tru}"#] {
            #expect(throws: RowImageParser.Malformed.self, "\(broken) is refused") { _ = try parse(broken, columns: ["id"]) }
        }
        #expect(try parse("{}", columns: ["id"]).values.isEmpty)
    }
}
