import RemitETL
import Testing

struct CurrencyConversionTests {
    static let history = """
        Date,USD,JPY,GBP,CYP,
        2026-11-27,1.0500,160.00,0.8400,N/A,
        2026-11-26,1.0400,159.00,0.8300,N/A,
        2026-11-10,1.0000,150.00,0.8000,N/A,
        """
    static let daily = """
        Date, USD, JPY, GBP,\u{20}
        30 November 2026, 1.1000, 170.00, 0.8800,\u{20}
        """

    @Test func ratesParseExactlyAndRefuseWhatIsNotARate() {
        #expect(ExchangeRate("1.0543") == ExchangeRate(mantissa: 10543, scale: 4))
        #expect(ExchangeRate("162.12")?.description == "162.12")
        #expect(ExchangeRate("0.0050")?.description == "0.0050")
        #expect(ExchangeRate("1") == .one)
        for bad in ["N/A", "-1", "1.", ".5", "1e3", "", "0"] { #expect(ExchangeRate(bad) == nil, "\(bad)") }
    }

    @Test func bothECBLayoutsParse() throws {
        let history = try ECBRatesFile.parse(Self.history)
        #expect(history.count == 9, "N/A cells are skipped")
        #expect(history.first == ECBRatesFile.Rate(date: "2026-11-27", currency: "USD", perEuro: ExchangeRate("1.0500")!))
        let daily = try ECBRatesFile.parse(Self.daily)
        #expect(daily.map(\.date) == ["2026-11-30", "2026-11-30", "2026-11-30"])
        #expect(daily.map(\.currency) == ["USD", "JPY", "GBP"])
        #expect(throws: ECBRatesFile.FormatError.self) { try ECBRatesFile.parse("Date,USD\n31 February 2026,1.0") }
        #expect(throws: ECBRatesFile.FormatError.self) { try ECBRatesFile.parse("Currency,USD\n2026-01-01,1.0") }
    }

    @Test func amountsCrossThroughTheEuroAndRoundHalfToEven() throws {
        let converter = CurrencyConverter(try ECBRatesFile.parse(Self.history))
        let day = "2026-11-27"
        #expect(try converter.usdCents(1000, currency: "eur", exponent: 2, on: day) == 1050)
        #expect(try converter.usdCents(-1000, currency: "EUR", exponent: 2, on: day) == -1050)
        #expect(try converter.usdCents(1000, currency: "GBP", exponent: 2, on: day) == 1250)  // 1.05 / 0.84 = 1.25 exactly
        #expect(try converter.usdCents(10_000, currency: "JPY", exponent: 0, on: day) == 6562)  // 6562.5 → even
        #expect(try converter.usdCents(30_000, currency: "JPY", exponent: 0, on: day) == 19_688)  // 19687.5 → even
        #expect(try converter.usdCents(1234, currency: "USD", exponent: 2, on: day) == 1234)
    }

    @Test func weekendsUseTheLastRateAndOldRatesAreMissing() throws {
        let converter = CurrencyConverter(try ECBRatesFile.parse(Self.history))
        #expect(try converter.perEuro("USD", on: "2026-11-29") == ExchangeRate("1.0500"), "Sunday: Friday's rate")
        #expect(try converter.perEuro("USD", on: "2026-11-17") == ExchangeRate("1.0000"), "7 days old still counts")
        #expect(throws: CurrencyConverter.MissingRate(currency: "USD", date: "2026-11-18")) {
            try converter.perEuro("USD", on: "2026-11-18")
        }
        #expect(throws: CurrencyConverter.MissingRate(currency: "CHF", date: "2026-11-27")) {
            try converter.usdCents(100, currency: "CHF", exponent: 2, on: "2026-11-27")
        }
        #expect(throws: CurrencyConverter.MissingRate.self) { try converter.perEuro("USD", on: "2026-11-09") }
    }
}

struct ShippedRatesTests {
    @Test func theShippedECBHistoryCoversItsDaysAndConverts() throws {
        let rates = try ShippedRates.rates()
        let days = Set(rates.map(\.date)).sorted()
        #expect(days.count == 213 && days.first == ShippedRates.firstDay && days.last == ShippedRates.lastDay)
        #expect(rates.first { $0.date == "2026-10-30" && $0.currency == "USD" }?.perEuro.description == "1.1172")
        #expect(Set(rates.map(\.currency)).isSuperset(of: ["USD", "GBP", "JPY", "CHF", "SEK"]))
        let converter = CurrencyConverter(rates)
        // Sunday 1 November 2026 takes Friday's rate: 10.00 EUR × 1.1172 = 11.172 USD → 1117 cents.
        #expect(try converter.usdCents(1000, currency: "EUR", exponent: 2, on: "2026-11-01") == 1117)
        #expect(throws: CurrencyConverter.MissingRate.self) {
            _ = try converter.usdCents(1000, currency: "EUR", exponent: 2, on: "2026-11-07")
        }
    }
}
