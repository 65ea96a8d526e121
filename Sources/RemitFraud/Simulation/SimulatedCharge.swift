/// One charge attempt of the synthetic traffic: who, where, how much, and the ground truth behind it.
public struct SimulatedCharge: Sendable {
    public enum Scenario: String, Sendable, CaseIterable {
        case legitimate
        /// An existing customer's account used by someone else: new device, foreign IP, larger amounts.
        case accountTakeover = "account_takeover"
        /// A new account paying with a stolen card: mismatched countries, young email domains, shared devices.
        case stolenCard = "stolen_card"
        /// Bursts of tiny charges on one card at one merchant to test it.
        case cardTesting = "card_testing"
        /// A legitimate purchase the cardholder later disputes as fraud.
        case friendlyFraud = "friendly_fraud"
    }

    /// Seconds since the simulation started.
    public var time: Int64
    public var merchant: Int
    /// `customer:<n>` or, for cards used without a customer, `card:<n>`.
    public var key: String
    /// Major units (US dollars).
    public var amount: Double
    public var cardCountry: String
    public var billingCountry: String?
    public var ipCountry: String?
    public var device: String?
    public var emailDomainAgeDays: Double?
    public var scenario: Scenario
    /// When the cardholder's bank files a fraud dispute, if it ever does.
    public var disputedAt: Int64?

    /// Ground truth: the payment was not made by the cardholder.
    public var isFraud: Bool { scenario != .legitimate && scenario != .friendlyFraud }
}
