/// The card behind a charge, as `payment_method_details.card` shows it. Never holds the full number.
public struct Card: Sendable, Equatable {
    public var brand: String
    public var last4: String
    public var expMonth: Int64
    public var expYear: Int64
    public var funding: String
    public var country: String
    /// Stable per card number and merchant-independent: the same number gives the same fingerprint in one
    /// installation (keyed with its fingerprint key, so it cannot be reversed from the BIN and last4).
    public var fingerprint: String

    public init(brand: String, last4: String, expMonth: Int64, expYear: Int64, funding: String, country: String,
                fingerprint: String) {
        self.brand = brand
        self.last4 = last4
        self.expMonth = expMonth
        self.expYear = expYear
        self.funding = funding
        self.country = country
        self.fingerprint = fingerprint
    }

    /// The brand as Stripe writes it in `source.brand` (title case) versus `card.brand` (lowercase).
    public var displayBrand: String {
        switch brand {
        case "visa": "Visa"
        case "mastercard": "MasterCard"
        case "amex": "American Express"
        case "discover": "Discover"
        case "diners": "Diners Club"
        case "jcb": "JCB"
        case "unionpay": "UnionPay"
        default: "Unknown"
        }
    }

    /// A PaymentMethod's `card.display_brand`: the brand to show the cardholder, in snake case.
    public var paymentMethodDisplayBrand: String {
        switch brand {
        case "amex": "american_express"
        case "diners": "diners_club"
        case "unionpay": "union_pay"
        case "visa", "mastercard", "discover", "jcb", "cartes_bancaires": brand
        default: "other"
        }
    }
}
