/// The features the fraud model reads, in model column order: the seed's twelve (Flow 4) and the charge
/// amount. Their exact definitions are in `docs/fraud.md`; changing one changes ``FeatureSchema/current``'s hash,
/// and a model trained on another schema is refused.
public enum FraudFeature: Int, CaseIterable, Sendable {
    case velocity1h
    case velocity24h
    case averageAmount30d
    case amountStandardDeviation30d
    case cardCountryMismatch
    case ipCountryMismatch
    case firstTransactionCustomer
    case merchantDisputeRate30d
    case customerDisputeHistory
    case timeSinceLastTransaction
    case deviceFingerprintNew
    case emailDomainAgeDays
    case amount

    /// The column name in training files and model files.
    public var name: String {
        switch self {
        case .velocity1h: "velocity_1h"
        case .velocity24h: "velocity_24h"
        case .averageAmount30d: "avg_amount_30d"
        case .amountStandardDeviation30d: "stddev_amount_30d"
        case .cardCountryMismatch: "card_country_mismatch"
        case .ipCountryMismatch: "ip_country_mismatch"
        case .firstTransactionCustomer: "first_transaction_customer"
        case .merchantDisputeRate30d: "merchant_dispute_rate_30d"
        case .customerDisputeHistory: "customer_dispute_history"
        case .timeSinceLastTransaction: "time_since_last_tx"
        case .deviceFingerprintNew: "device_fingerprint_new"
        case .emailDomainAgeDays: "email_domain_age_days"
        case .amount: "amount"
        }
    }

    /// What the value means, units and missing-value rule included (part of the schema hash).
    public var definition: String {
        switch self {
        case .velocity1h: "charge attempts for the key in the hour before, among its last 100 attempts"
        case .velocity24h: "charge attempts for the key in the 24 hours before, among its last 100 attempts"
        case .averageAmount30d: "mean amount (major units) of the approved charges in 30 days among the key's last 100 attempts; missing if none"
        case .amountStandardDeviation30d: "population standard deviation of the same amounts; missing if fewer than 2"
        case .cardCountryMismatch: "1 if the card's issuing country differs from the billing country, 0 if equal; missing if either is unknown"
        case .ipCountryMismatch: "1 if the client IP's country differs from the card's issuing country, 0 if equal; missing if either is unknown"
        case .firstTransactionCustomer: "1 if the key has no earlier charge attempt, else 0"
        case .merchantDisputeRate30d: "disputes opened in 30 days over charges in 30 days, for the merchant; missing if no charges"
        case .customerDisputeHistory: "disputes opened before now on the key's charges"
        case .timeSinceLastTransaction: "seconds since the key's previous charge attempt; missing if none"
        case .deviceFingerprintNew: "1 if the device was never seen with the key, 0 if it was; missing if no device was given"
        case .emailDomainAgeDays: "days since the email domain was registered; missing if no email or the domain is unknown"
        case .amount: "the charge amount in major units"
        }
    }
}
