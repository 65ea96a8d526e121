/// An ISO 4217 currency as Stripe spells it: three lowercase letters.
///
/// Amounts are always integers in the currency's minor unit. The minor-unit exponent
/// matters for validation (minimum charge amounts) and for display only.
public struct Currency: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let code: String

    /// Returns the currency for a code in any case, or nil when Remit does not support it.
    public init?(_ code: String) {
        let lower = code.lowercased()
        guard Currency.supportedCodes.contains(lower) else { return nil }
        self.code = lower
    }

    public var description: String { code }

    public static func < (lhs: Currency, rhs: Currency) -> Bool { lhs.code < rhs.code }

    /// Digits after the decimal point of the major unit (JPY 0, USD 2, KWD 3).
    public var exponent: Int {
        if Currency.zeroDecimalCodes.contains(code) { return 0 }
        if Currency.threeDecimalCodes.contains(code) { return 3 }
        return 2
    }

    /// Stripe's minimum charge amount in minor units (about USD 0.50 in the charge currency).
    public var minimumChargeAmount: Int64 {
        if let amount = Currency.minimums[code] { return amount }
        switch exponent {
        case 0: return 50
        case 3: return 500
        default: return 50
        }
    }

    /// The most an amount may be, in minor units: Stripe's eight digits.
    public static let maximumAmount: Int64 = 99_999_999

    /// Formats an amount of minor units in the major unit, e.g. `$0.50` style "0.50 usd".
    public func format(_ amount: Int64) -> String {
        guard exponent > 0 else { return "\(amount) \(code)" }
        var divisor: Int64 = 1
        for _ in 0..<exponent { divisor *= 10 }
        let sign = amount < 0 ? "-" : ""
        let magnitude = amount.magnitude
        let major = magnitude / UInt64(divisor)
        let minor = String(magnitude % UInt64(divisor))
        let padded = String(repeating: "0", count: exponent - minor.count) + minor
        return "\(sign)\(major).\(padded) \(code)"
    }

    public static let usd = Currency("usd")!
    public static let eur = Currency("eur")!
    public static let jpy = Currency("jpy")!

    static let zeroDecimalCodes: Set<String> = [
        "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf",
    ]
    static let threeDecimalCodes: Set<String> = ["bhd", "jod", "kwd", "omr", "tnd"]

    /// Stripe's documented per-currency minimums, in minor units.
    static let minimums: [String: Int64] = [
        "usd": 50, "eur": 50, "aud": 50, "cad": 50, "chf": 50, "nzd": 50, "sgd": 50, "brl": 50, "inr": 50,
        "gbp": 30, "jpy": 50, "dkk": 250, "nok": 300, "sek": 300, "pln": 200, "ron": 200, "aed": 200,
        "hkd": 400, "mxn": 1000, "thb": 1000, "czk": 1500, "huf": 17500, "myr": 200, "bgn": 100,
    ]

    /// The presentment currencies Stripe lists for card payments.
    static let supportedCodes: Set<String> = [
        "usd", "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn", "bam", "bbd", "bdt", "bgn", "bhd",
        "bif", "bmd", "bnd", "bob", "brl", "bsd", "bwp", "byn", "bzd", "cad", "cdf", "chf", "clp", "cny", "cop", "crc",
        "cve", "czk", "djf", "dkk", "dop", "dzd", "egp", "etb", "eur", "fjd", "fkp", "gbp", "gel", "gip", "gmd", "gnf",
        "gtq", "gyd", "hkd", "hnl", "htg", "huf", "idr", "ils", "inr", "isk", "jmd", "jod", "jpy", "kes", "kgs", "khr",
        "kmf", "krw", "kwd", "kyd", "kzt", "lak", "lbp", "lkr", "lrd", "lsl", "mad", "mdl", "mga", "mkd", "mmk", "mnt",
        "mop", "mur", "mvr", "mwk", "mxn", "myr", "mzn", "nad", "ngn", "nio", "nok", "npr", "nzd", "omr", "pab", "pen",
        "pgk", "php", "pkr", "pln", "pyg", "qar", "ron", "rsd", "rub", "rwf", "sar", "sbd", "scr", "sek", "sgd", "shp",
        "sle", "sos", "srd", "std", "szl", "thb", "tjs", "tnd", "top", "try", "ttd", "twd", "tzs", "uah", "ugx", "uyu",
        "uzs", "vnd", "vuv", "wst", "xaf", "xcd", "xof", "xpf", "yer", "zar", "zmw",
    ]
}
