import Foundation

/// What the store (or the offline simulator) knows at the moment a charge is scored, before it is written:
/// aggregates over the key's earlier attempts and the merchant's recent history, and the reference lookups.
/// ``FeatureVector/init(_:)`` turns them into the model's features; both paths share that code.
public struct FeatureInputs: Sendable, Equatable {
    /// The charge amount in major units.
    public var amount: Double
    /// Earlier attempts for the key in the last hour and day (already capped by the query).
    public var attemptsLastHour: Int
    public var attemptsLastDay: Int
    /// Approved amounts (major units) of the key's recent charges in 30 days: count, sum, sum of squares.
    public var recentApprovedCount: Int
    public var recentApprovedSum: Double
    public var recentApprovedSumOfSquares: Double
    /// Seconds since the key's previous attempt; nil when there is none.
    public var secondsSinceLastAttempt: Double?
    public var hasEarlierAttempt: Bool
    /// Disputes opened so far on the key's charges.
    public var keyDisputes: Int
    /// The merchant's charges and disputes in the last 30 days.
    public var merchantCharges30d: Int
    public var merchantDisputes30d: Int
    /// ISO country codes; nil when unknown.
    public var cardCountry: String?
    public var billingCountry: String?
    public var ipCountry: String?
    /// nil when no device was given; otherwise whether the key used it before.
    public var deviceSeenBefore: Bool?
    /// nil when there is no email or its domain is not in the table.
    public var emailDomainAgeDays: Double?

    public init(amount: Double) {
        self.amount = amount
        attemptsLastHour = 0
        attemptsLastDay = 0
        recentApprovedCount = 0
        recentApprovedSum = 0
        recentApprovedSumOfSquares = 0
        secondsSinceLastAttempt = nil
        hasEarlierAttempt = false
        keyDisputes = 0
        merchantCharges30d = 0
        merchantDisputes30d = 0
    }
}

/// The model's input for one charge, in ``FraudFeature`` order; NaN is a missing value.
public struct FeatureVector: Sendable, Equatable {
    public var values: [Float]

    public init(values: [Float]) {
        precondition(values.count == FraudFeature.allCases.count)
        self.values = values
    }

    public subscript(_ feature: FraudFeature) -> Float {
        get { values[feature.rawValue] }
        set { values[feature.rawValue] = newValue }
    }

    public init(_ inputs: FeatureInputs) {
        values = Array(repeating: .nan, count: FraudFeature.allCases.count)
        self[.velocity1h] = Float(inputs.attemptsLastHour)
        self[.velocity24h] = Float(inputs.attemptsLastDay)
        if inputs.recentApprovedCount > 0 {
            let n = Double(inputs.recentApprovedCount)
            let mean = inputs.recentApprovedSum / n
            self[.averageAmount30d] = Float(mean)
            if inputs.recentApprovedCount > 1 {
                let variance = max(0, inputs.recentApprovedSumOfSquares / n - mean * mean)
                self[.amountStandardDeviation30d] = Float(variance.squareRoot())
            }
        }
        self[.cardCountryMismatch] = Self.mismatch(inputs.cardCountry, inputs.billingCountry)
        self[.ipCountryMismatch] = Self.mismatch(inputs.ipCountry, inputs.cardCountry)
        self[.firstTransactionCustomer] = inputs.hasEarlierAttempt ? 0 : 1
        if inputs.merchantCharges30d > 0 {
            self[.merchantDisputeRate30d] = Float(Double(inputs.merchantDisputes30d) / Double(inputs.merchantCharges30d))
        }
        self[.customerDisputeHistory] = Float(inputs.keyDisputes)
        if let seconds = inputs.secondsSinceLastAttempt { self[.timeSinceLastTransaction] = Float(seconds) }
        if let seen = inputs.deviceSeenBefore { self[.deviceFingerprintNew] = seen ? 0 : 1 }
        if let age = inputs.emailDomainAgeDays { self[.emailDomainAgeDays] = Float(age) }
        self[.amount] = Float(inputs.amount)
    }

    static func mismatch(_ a: String?, _ b: String?) -> Float {
        guard let a, let b, !a.isEmpty, !b.isEmpty else { return .nan }
        return a.uppercased() == b.uppercased() ? 0 : 1
    }

    /// `{"velocity_1h": 3, "avg_amount_30d": null, …}` in feature order, for storage and the API.
    public var json: String {
        "{" + FraudFeature.allCases.map { feature in
            let value = self[feature]
            return "\"\(feature.name)\":" + (value.isNaN ? "null" : "\(value)")
        }.joined(separator: ",") + "}"
    }

    /// The values as CSV cells in feature order, a missing value as an empty cell.
    public var csvCells: String {
        values.map { $0.isNaN ? "" : "\($0)" }.joined(separator: ",")
    }

    /// Reads ``json`` back (unknown keys ignored, absent or null values missing). On the bytes, not through
    /// Foundation: the drift monitor reads 40,000 of these every few minutes.
    public init?(json: String) {
        values = Array(repeating: .nan, count: FraudFeature.allCases.count)
        var bytes = Self.trimmed(Array(json.utf8)[...])
        guard bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else { return nil }
        bytes = bytes.dropFirst().dropLast()
        for pair in bytes.split(separator: UInt8(ascii: ",")) {
            guard let colon = pair.firstIndex(of: UInt8(ascii: ":")) else { return nil }
            var key = Self.trimmed(pair[..<colon])
            while key.first == UInt8(ascii: "\"") { key = key.dropFirst() }
            while key.last == UInt8(ascii: "\"") { key = key.dropLast() }
            guard let feature = Self.featuresByName[String(decoding: key, as: UTF8.self)] else { continue }
            let raw = String(decoding: Self.trimmed(pair[pair.index(after: colon)...]), as: UTF8.self)
            self[feature] = raw == "null" ? .nan : (Float(raw) ?? .nan)
        }
    }

    static let featuresByName = Dictionary(uniqueKeysWithValues: FraudFeature.allCases.map { ($0.name, $0) })

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else {
            return bytes[bytes.endIndex...]
        }
        return bytes[first...last]
    }
}
