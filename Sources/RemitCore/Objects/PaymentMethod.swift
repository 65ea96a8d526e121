/// A PaymentMethod (`pm_`) of type `card`: a card saved for later payments, alone or attached to a customer.
/// Never holds the full number: the card's BIN (`issuerPrefix`) and last4 are all that is kept of it.
public struct PaymentMethod: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var created: Int64
    public var customerID: String?
    public var state: PaymentMethodState
    public var card: Card
    /// The first eight digits, which the processor needs to answer for this card again (its issuer and country).
    public var issuerPrefix: String
    /// Made from one of Stripe's named test instruments (`pm_card_visa`, `tok_visa`): its documented outcomes hold.
    public var isNamedTestInstrument: Bool
    /// `checks.cvc_check`: `unchecked` when a CVC came with the number, `pass` once a card check or payment saw it.
    public var cvcCheck: String?
    public var billingDetails: BillingDetails
    /// `allow_redisplay`: always, limited or unspecified.
    public var allowRedisplay: String
    public var metadata: Metadata
    public var livemode: Bool
    /// Set up for payments without the customer (a payment with `setup_future_usage=off_session`, or a SetupIntent):
    /// issuers that ask for authentication "unless set up" stop asking off session.
    public var setUpForOffSession = false

    public init(id: String, accountID: String, created: Int64, customerID: String? = nil,
                state: PaymentMethodState = .unattached, card: Card, issuerPrefix: String,
                isNamedTestInstrument: Bool = false, cvcCheck: String? = nil,
                billingDetails: BillingDetails = BillingDetails(), allowRedisplay: String = "unspecified",
                metadata: Metadata = Metadata(), livemode: Bool = false) {
        self.id = id
        self.accountID = accountID
        self.created = created
        self.customerID = customerID
        self.state = state
        self.card = card
        self.issuerPrefix = issuerPrefix
        self.isNamedTestInstrument = isNamedTestInstrument
        self.cvcCheck = cvcCheck
        self.billingDetails = billingDetails
        self.allowRedisplay = allowRedisplay
        self.metadata = metadata
        self.livemode = livemode
    }

    /// The allowed values of `allow_redisplay`.
    public static let redisplayChoices: Set<String> = ["always", "limited", "unspecified"]

    public var json: JSONValue {
        .object([
            ("id", .string(id)), ("object", .string("payment_method")),
            ("allow_redisplay", .string(allowRedisplay)),
            ("billing_details", billingDetails.json),
            ("card", .object([
                ("brand", .string(card.brand)),
                ("checks", .object([
                    ("address_line1_check", .null), ("address_postal_code_check", .null),
                    ("cvc_check", .optional(cvcCheck)),
                ])),
                ("country", .string(card.country)), ("display_brand", .string(card.paymentMethodDisplayBrand)),
                ("exp_month", .int(card.expMonth)), ("exp_year", .int(card.expYear)),
                ("fingerprint", .string(card.fingerprint)), ("funding", .string(card.funding)),
                ("generated_from", .null), ("last4", .string(card.last4)),
                ("networks", .object([("available", .array([.string(card.brand)])), ("preferred", .null)])),
                ("regulated_status", .string("unregulated")),
                ("three_d_secure_usage", .object([("supported", .bool(true))])),
                ("wallet", .null),
            ])),
            ("created", .int(created)), ("customer", .optional(customerID)), ("customer_account", .null),
            ("livemode", .bool(livemode)), ("metadata", metadata.json), ("type", .string("card")),
        ])
    }
}

/// `billing_details` of a PaymentMethod. `address` is the stored address object as JSON text.
public struct BillingDetails: Sendable, Equatable {
    public var name: String?
    public var email: String?
    public var phone: String?
    public var address: String?

    public init(name: String? = nil, email: String? = nil, phone: String? = nil, address: String? = nil) {
        self.name = name
        self.email = email
        self.phone = phone
        self.address = address
    }

    /// The address fields Stripe accepts, each null until given.
    public static let addressFields = ["city", "country", "line1", "line2", "postal_code", "state"]

    public var json: JSONValue {
        let emptyAddress = JSONValue.object(Self.addressFields.map { ($0, .null) })
        return .object([
            ("address", address.map { .raw($0) } ?? emptyAddress), ("email", .optional(email)),
            ("name", .optional(name)), ("phone", .optional(phone)), ("tax_id", .null),
        ])
    }
}
