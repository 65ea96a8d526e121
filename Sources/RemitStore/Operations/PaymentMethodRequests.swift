import RemitCore
import RemitProcessor

/// `POST /v1/payment_methods`: the card (its details, or a token) and what is saved with it.
public struct PaymentMethodCreation: Sendable {
    /// `card[number]…` as raw details, or `card[token]=tok_…` as a reference.
    public var card: PaymentInstrument
    public var billingDetails: BillingDetails
    public var allowRedisplay: String?
    public var metadata: Metadata

    public init(card: PaymentInstrument, billingDetails: BillingDetails = BillingDetails(), allowRedisplay: String? = nil,
                metadata: Metadata = Metadata()) {
        self.card = card
        self.billingDetails = billingDetails
        self.allowRedisplay = allowRedisplay
        self.metadata = metadata
    }
}

/// `POST /v1/payment_methods/{id}`. nil leaves a field alone; "" clears a billing detail.
public struct PaymentMethodUpdate: Sendable {
    public var billingName: String?
    public var billingEmail: String?
    public var billingPhone: String?
    /// `billing_details[address][…]` as a JSON object text.
    public var billingAddress: String?
    public var expMonth: Int64?
    public var expYear: Int64?
    public var allowRedisplay: String?
    public var metadata: MetadataUpdate?

    public init() {}
}
