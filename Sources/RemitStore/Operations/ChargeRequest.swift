import RemitCore
import RemitProcessor

/// A validated `POST /v1/charges`.
public struct ChargeRequest: Sendable {
    public var amount: Int64
    public var currency: Currency
    public var customerID: String?
    public var instrument: PaymentInstrument?
    /// The parameter that named the instrument (`source` or `payment_method`), for error messages.
    public var instrumentParam: String
    public var description: String?
    public var metadata: Metadata
    public var capture: Bool
    public var receiptEmail: String?
    public var statementDescriptor: String?
    /// What the client knows of the buyer, for the fraud features (Remit's `radar_options[…]` extension).
    public var signals = FraudSignals()
    /// The PaymentIntent this charge is an attempt of.
    public var paymentIntentID: String?
    /// The payment saves its PaymentMethod for the customer (`setup_future_usage`): an unattached one is not spent.
    public var savesPaymentMethod = false
    /// The saved PaymentMethod `instrument` names, already read and locked by this transaction (a confirmation reads
    /// it first): the charge does not read it again.
    var lockedPaymentMethod: PaymentMethod?
    /// What the issuer knows of the customer's presence and authentication (the Charges API cannot authenticate).
    public var authentication = AuthenticationContext()
    /// The payer is there to answer a 3-D Secure challenge, should the risk check ask for one: an on-session
    /// PaymentIntent confirmation without `error_on_requires_action`. Never for the Charges API.
    public var canChallenge = false

    public init(amount: Int64, currency: Currency, customerID: String? = nil, instrument: PaymentInstrument? = nil,
                instrumentParam: String = "source", description: String? = nil, metadata: Metadata = Metadata(),
                capture: Bool = true, receiptEmail: String? = nil, statementDescriptor: String? = nil) {
        self.amount = amount
        self.currency = currency
        self.customerID = customerID
        self.instrument = instrument
        self.instrumentParam = instrumentParam
        self.description = description
        self.metadata = metadata
        self.capture = capture
        self.receiptEmail = receiptEmail
        self.statementDescriptor = statementDescriptor
    }
}

/// What a charge attempt of a PaymentIntent produced: a charge, or the risk check's request that the customer
/// authenticate first (nothing written; the score that asked).
enum ChargeAttempt {
    case charged(ChargeResult)
    case authenticationRequested(riskScore: Int64?)
}

/// What a charge attempt produced. A declined charge is stored too; `decline` holds the 402 to answer.
public struct ChargeResult: Sendable {
    public var charge: Charge
    public var balanceTransaction: BalanceTransaction?
    public var decline: StripeError?
    /// The charge's JSON as its event carries it (no expansions), when already rendered.
    public var rendered: String?
}

/// The buyer context the Stripe API does not carry, sent as `radar_options[ip_address]`,
/// `radar_options[device_id]`, `radar_options[email]` and `radar_options[billing_country]`.
public struct FraudSignals: Sendable, Equatable {
    public var ipAddress: String?
    public var deviceID: String?
    public var email: String?
    public var billingCountry: String?

    public init(ipAddress: String? = nil, deviceID: String? = nil, email: String? = nil, billingCountry: String? = nil) {
        self.ipAddress = ipAddress
        self.deviceID = deviceID
        self.email = email
        self.billingCountry = billingCountry
    }
}
