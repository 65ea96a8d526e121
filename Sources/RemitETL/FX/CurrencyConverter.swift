import RemitCore

/// Converts amounts to US dollars with the ECB's euro reference rates: the latest rate on or before the day
/// (weekends and holidays have none), at most `maximumAge` days old, crossed through the euro, rounded half to
/// even (banker's rounding) to the cent. Exact: rates are decimals and the arithmetic is on 128-bit integers.
public struct CurrencyConverter: Sendable {
    public struct MissingRate: Error, Equatable, CustomStringConvertible {
        public let currency: String
        public let date: String
        public var description: String { "no \(currency) reference rate on or up to 7 days before \(date)" }

        public init(currency: String, date: String) {
            self.currency = currency
            self.date = date
        }
    }

    /// Per currency, (day number, rate) sorted by day.
    let rates: [String: [(day: Int, rate: ExchangeRate)]]
    public let maximumAge: Int

    public init(_ rates: [ECBRatesFile.Rate], maximumAge: Int = 7) {
        var byCurrency: [String: [(day: Int, rate: ExchangeRate)]] = [:]
        for rate in rates {
            guard let day = Timestamp.days(fromISODate: rate.date).map(Int.init) else { continue }
            byCurrency[rate.currency, default: []].append((day, rate.perEuro))
        }
        self.rates = byCurrency.mapValues { $0.sorted { $0.day < $1.day } }
        self.maximumAge = maximumAge
    }

    /// The rate of `currency` per euro that applies on `date` (`YYYY-MM-DD`); the euro's is 1.
    public func perEuro(_ currency: String, on date: String) throws(MissingRate) -> ExchangeRate {
        let code = currency.uppercased()
        if code == "EUR" { return .one }
        guard let day = Timestamp.days(fromISODate: date).map(Int.init), let series = rates[code] else { throw MissingRate(currency: code, date: date) }
        // The last entry on or before the day.
        var low = 0, high = series.count
        while low < high {
            let middle = (low + high) / 2
            if series[middle].day <= day { low = middle + 1 } else { high = middle }
        }
        guard low > 0, day - series[low - 1].day <= maximumAge else { throw MissingRate(currency: code, date: date) }
        return series[low - 1].rate
    }

    /// `amount` minor units of `currency` (with `exponent` decimals) in US cents on `date`.
    public func usdCents(_ amount: Int64, currency: String, exponent: Int, on date: String) throws(MissingRate) -> Int64 {
        if currency.uppercased() == "USD" {
            return exponent == 2 ? amount : Self.rescale(Int128(amount), from: exponent, to: 2)
        }
        let source = try perEuro(currency, on: date)
        let usd = try perEuro("USD", on: date)
        // cents = amount / 10^exponent / source × usd × 100
        var numerator = Int128(amount) * Int128(usd.mantissa) * Self.power(source.scale) * 100
        var denominator = Int128(source.mantissa) * Self.power(usd.scale) * Self.power(exponent)
        if denominator < 0 {
            numerator = -numerator
            denominator = -denominator
        }
        return Int64(Self.roundHalfEven(numerator, denominator))
    }

    static func rescale(_ amount: Int128, from exponent: Int, to target: Int) -> Int64 {
        if exponent <= target { return Int64(amount * power(target - exponent)) }
        return Int64(roundHalfEven(amount, power(exponent - target)))
    }

    static func power(_ exponent: Int) -> Int128 {
        var result: Int128 = 1
        for _ in 0..<exponent { result *= 10 }
        return result
    }

    /// numerator ÷ denominator (denominator > 0), rounded half to even.
    static func roundHalfEven(_ numerator: Int128, _ denominator: Int128) -> Int128 {
        var quotient = numerator / denominator
        let remainder = numerator % denominator
        let twice = (remainder < 0 ? -remainder : remainder) * 2
        if twice > denominator || (twice == denominator && quotient % 2 != 0) {
            quotient += numerator < 0 ? -1 : 1
        }
        return quotient
    }
}
