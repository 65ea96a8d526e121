import Foundation

/// Turns a decision's TreeSHAP contributions into sentences an analyst or merchant can read: the features
/// that pushed the score up most, each worded with its own value (fraud.md §2.3).
public struct ReasonWriter: Sendable {
    /// Contributions (log-odds) below this are not reasons.
    public var minimumContribution = 0.15
    public var maximumReasons = 4

    public init() {}

    /// Reasons in decreasing order of contribution. `contributions` has one entry per feature (bias excluded).
    public func reasons(vector: FeatureVector, contributions: [Double]) -> [String] {
        let ranked = FraudFeature.allCases
            .map { ($0, contributions[$0.rawValue]) }
            .filter { $0.1 > minimumContribution }
            .sorted { $0.1 > $1.1 }
        var sentences: [String] = []
        for (feature, _) in ranked {
            guard let sentence = sentence(feature, vector[feature], vector: vector), !sentences.contains(sentence) else { continue }
            sentences.append(sentence)
            if sentences.count == maximumReasons { break }
        }
        return sentences
    }

    func sentence(_ feature: FraudFeature, _ value: Float, vector: FeatureVector) -> String? {
        let missing = value.isNaN
        switch feature {
        case .velocity1h:
            return !missing && value >= 3 ? "High velocity (\(Int(value)) transactions in 1h)" : nil
        case .velocity24h:
            return !missing && value >= 5 ? "High velocity (\(Int(value)) transactions in 24h)" : nil
        case .ipCountryMismatch:
            return value == 1 ? "Card/IP country mismatch" : nil
        case .cardCountryMismatch:
            return value == 1 ? "Card issued in a different country than billing address" : nil
        case .deviceFingerprintNew:
            return value == 1 ? "New device fingerprint" : nil
        case .emailDomainAgeDays:
            return !missing && value < 90 ? "Email domain recently created (\(Int(value)) days)" : nil
        case .firstTransactionCustomer:
            return value == 1 ? "First transaction for this customer" : nil
        case .timeSinceLastTransaction:
            if missing { return "No previous transaction" }
            if value < 3600 { return "Rapid succession (\(Self.duration(Double(value))) since previous transaction)" }
            if value > 14 * 86_400 { return "Dormant account reactivated (\(Int(value / 86_400)) days since previous transaction)" }
            return nil
        case .merchantDisputeRate30d:
            return !missing && value >= 0.01 ? String(format: "Merchant dispute rate %.1f %% over 30 days", Double(value) * 100) : nil
        case .customerDisputeHistory:
            return !missing && value >= 1 ? "Customer has \(Int(value)) prior dispute(s)" : nil
        case .averageAmount30d, .amountStandardDeviation30d:
            if missing { return "No spending history in the last 30 days" }
            let average = vector[.averageAmount30d], amount = vector[.amount]
            if !average.isNaN, average > 0, amount > 3 * average {
                return String(format: "Amount %.0f× the 30-day average", Double(amount / average))
            }
            return "Unusual spending profile over 30 days"
        case .amount:
            return missing ? nil : String(format: "Unusual amount (%.2f)", Double(value))
        }
    }

    static func duration(_ seconds: Double) -> String {
        seconds < 60 ? "\(Int(seconds)) s" : "\(Int(seconds / 60)) min"
    }
}
