import RemitCore
import Testing

struct MoneyTests {
    @Test(arguments: [(1000, 59), (50, 31), (3000, 117), (99_999_999, 2_900_030), (1, 1)])
    func feeIsRatePlusFixedRoundedHalfUp(amount: Int64, fee: Int64) {
        #expect(FeePolicy().fee(for: amount) == fee)
    }

    @Test func feePolicyParsesItsTextForm() {
        #expect(FeePolicy(parsing: "2.9%+30") == FeePolicy(rateBasisPoints: 290, fixedMinorUnits: 30))
        #expect(FeePolicy(parsing: "1.25%+0") == FeePolicy(rateBasisPoints: 125, fixedMinorUnits: 0))
        #expect(FeePolicy(parsing: "2.9") == nil)
        #expect(FeePolicy(parsing: "200%+1") == nil)
    }

    @Test func currenciesKnowTheirMinorUnits() throws {
        #expect(try #require(Currency("JPY")).exponent == 0)
        #expect(try #require(Currency("kwd")).exponent == 3)
        #expect(Currency.usd.minimumChargeAmount == 50)
        #expect(Currency("xyz") == nil)
        #expect(Currency.usd.format(50) == "0.50 usd")
        #expect(Currency.jpy.format(50) == "50 jpy")
    }

    @Test func durationsAreWrittenWithUnits() throws {
        #expect(try DurationText.parse("250ms") == .milliseconds(250))
        #expect(try DurationText.parse("3s") == .seconds(3))
        #expect(try DurationText.parse("2m") == .seconds(120))
        #expect(try DurationText.parse("1h") == .seconds(3600))
        #expect(throws: DurationText.ParseError.self) { try DurationText.parse("5") }
        #expect(throws: DurationText.ParseError.self) { try DurationText.parse("-1s") }
        #expect(DurationText.format(.seconds(120)) == "2m")
    }

    @Test func timestampsAreUTCWithMilliseconds() {
        #expect(Timestamp.iso8601(unixMilliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.iso8601(unixMilliseconds: 1_795_617_508_123) == "2026-11-25T14:38:28.123Z")
    }

    @Test func jsonEscapesControlCharacters() {
        #expect(JSONValue.string("a\"b\\c\nd\u{1}").rendered() == #""a\"b\\c\nd\u0001""#)
        #expect(JSONValue.object([("id", .string("x")), ("n", .int(-3))]).rendered() == #"{"id":"x","n":-3}"#)
    }
}

struct IDTests {
    @Test func idsSortByCreationAndStayUnique() throws {
        var previous = ""
        var seen = Set<String>()
        for _ in 0..<2_000 {
            let id = IDGenerator.random("ch")
            #expect(id.hasPrefix("ch_") && id.count == 27)
            #expect(String(id.prefix(11)) >= String(previous.prefix(11)), "the time part never goes back")
            previous = id
            seen.insert(id)
        }
        #expect(seen.count == 2_000)
        #expect(RandomText.base62(61, width: 3) == "00z")
        #expect(RandomText.base62(62, width: 3) == "010")
    }
}
