import RemitCore

/// The seam to an acquirer. The built-in ``Simulator`` behaves like Stripe's test mode; a real
/// acquirer adapter would implement the same two steps.
public protocol CardProcessor: Sendable {
    /// Turns what the caller sent (a token, a PaymentMethod id, raw card details) into a card.
    /// - Throws: a 400 for unknown tokens, a 402 `card_error` for numbers that fail validation.
    func resolve(_ instrument: PaymentInstrument, param: String) throws(StripeError) -> ResolvedCard

    /// An expiry date a card may carry today: the full year (a two-digit year is this century's), or a 402
    /// `invalid_expiry_month` / `invalid_expiry_year` naming `param[exp_month]` / `param[exp_year]`.
    func checkedExpiry(month: Int64, year: Int64, param: String) throws(StripeError) -> Int64

    /// A card saved earlier as a PaymentMethod, from what was kept of it (its BIN, last4 and expiry; never the
    /// number): the same card, with the same scenario, as when it was saved.
    func resolve(saved: SavedCard) -> ResolvedCard

    /// Asks the network to authorize an amount on a card (asynchronous: an acquirer answers over the network).
    func authorize(_ card: ResolvedCard, amount: Money) async -> Authorization

    /// The zero-amount check a card passes before it is attached to a customer: `.approved`, or the decline that
    /// makes the attachment a 402.
    func checkCard(_ card: ResolvedCard) async -> Authorization.Result
}

/// What a PaymentMethod keeps of its card, enough for the processor to answer for it again.
public struct SavedCard: Sendable, Equatable {
    public var paymentMethodID: String
    public var card: Card
    /// The number's first eight digits.
    public var issuerPrefix: String
    public var isNamedTestInstrument: Bool

    public init(paymentMethodID: String, card: Card, issuerPrefix: String, isNamedTestInstrument: Bool) {
        self.paymentMethodID = paymentMethodID
        self.card = card
        self.issuerPrefix = issuerPrefix
        self.isNamedTestInstrument = isNamedTestInstrument
    }
}

/// What a request names as the thing to charge.
public enum PaymentInstrument: Sendable, Equatable {
    /// `tok_…`, `pm_…` or `card_…` ids.
    case reference(String)
    /// `source[object]=card&source[number]=…`.
    case rawCard(number: String, expMonth: Int64, expYear: Int64, cvc: String?)
}

/// A card the processor knows, with the id the charge records as `payment_method`.
public struct ResolvedCard: Sendable, Equatable {
    public var paymentMethodID: String
    public var card: Card
    /// The scenario the simulator attaches to this card number (declines, risk, disputes).
    public var scenario: TestScenario
    /// The number's first eight digits (its BIN / IIN), for the issuing-country lookup.
    public var issuerPrefix: String
    /// Named by one of Stripe's test instruments (`tok_visa`, `pm_card_…`), whose outcomes are documented and
    /// kept; raw card numbers are decided by the fraud model.
    public var isNamedTestInstrument: Bool
    /// Whether the card passes the check before an attachment. Most decline test cards fail it; 4000000000000341
    /// attaches and declines when charged.
    public var passesCardCheck: Bool
    public var threeDSecure: ThreeDSecureSupport = .notEnrolled
    /// The payment this card is authorized for, as the issuer sees it (set by the ledger before authorizing): an
    /// issuer that requires authentication declines a payment without it (`authentication_required`).
    public var authentication = AuthenticationContext()

    public init(paymentMethodID: String, card: Card, scenario: TestScenario, issuerPrefix: String = "",
                isNamedTestInstrument: Bool = false, passesCardCheck: Bool = true) {
        self.paymentMethodID = paymentMethodID
        self.card = card
        self.scenario = scenario
        self.issuerPrefix = issuerPrefix
        self.isNamedTestInstrument = isNamedTestInstrument
        self.passesCardCheck = passesCardCheck
    }
}

/// The network's answer.
public struct Authorization: Sendable, Equatable {
    public enum Result: Sendable, Equatable {
        case approved
        /// `code` is Stripe's error code (`card_declined`, `expired_card`…), `declineCode` the issuer's reason.
        case declined(code: String, declineCode: String, message: String)
    }

    public var result: Result
    public var outcome: Outcome
    /// A dispute the simulator opens after the charge (dispute test cards).
    public var dispute: DisputeScenario?
    public var fundsAvailableImmediately: Bool

    public init(result: Result, outcome: Outcome, dispute: DisputeScenario? = nil, fundsAvailableImmediately: Bool = false) {
        self.result = result
        self.outcome = outcome
        self.dispute = dispute
        self.fundsAvailableImmediately = fundsAvailableImmediately
    }
}

/// A dispute to open on a successful charge: Stripe's `reason` and initial `status`.
public struct DisputeScenario: Sendable, Equatable {
    public var reason: String
    public var status: DisputeStatus

    public init(reason: String, status: DisputeStatus) {
        self.reason = reason
        self.status = status
    }
}
