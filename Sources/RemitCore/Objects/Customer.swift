/// A customer (`cus_`) of one merchant.
public struct Customer: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var created: Int64
    public var email: String?
    public var name: String?
    public var description: String?
    public var phone: String?
    /// The stored `address` object as JSON text, or nil.
    public var address: String?
    /// `invoice_settings.default_payment_method`: what invoices and subscriptions charge.
    public var defaultPaymentMethod: String?
    /// `default_source`: a card source (`card_…`) of the customer, charged when a charge names the customer but no
    /// source (or, from before sources were objects, a Stripe test token such as `tok_visa`).
    public var defaultSource: String?
    public var balance: Int64
    public var metadata: Metadata
    public var deleted: Bool
    public var livemode: Bool

    public init(id: String, accountID: String, created: Int64, email: String? = nil, name: String? = nil,
                description: String? = nil, phone: String? = nil, address: String? = nil,
                defaultPaymentMethod: String? = nil, defaultSource: String? = nil, balance: Int64 = 0, metadata: Metadata = Metadata(),
                deleted: Bool = false, livemode: Bool = false) {
        self.id = id
        self.accountID = accountID
        self.created = created
        self.email = email
        self.name = name
        self.description = description
        self.phone = phone
        self.address = address
        self.defaultPaymentMethod = defaultPaymentMethod
        self.defaultSource = defaultSource
        self.balance = balance
        self.metadata = metadata
        self.deleted = deleted
        self.livemode = livemode
    }

    /// What a charge naming the customer and no source pays with: the default source, else (Remit's leniency for
    /// integrations that only save PaymentMethods) the invoice default.
    public var chargeableDefault: String? { defaultSource ?? defaultPaymentMethod }

    /// What an invoice or a subscription pays with: the invoice default, else the default source (Stripe's order).
    public var invoiceDefault: String? { defaultPaymentMethod ?? defaultSource }

    public var json: JSONValue {
        if deleted {
            return .object([("id", .string(id)), ("object", .string("customer")), ("deleted", .bool(true))])
        }
        return .object([
            ("id", .string(id)), ("object", .string("customer")), ("address", address.map { .raw($0) } ?? .null),
            ("balance", .int(balance)), ("created", .int(created)), ("currency", .null),
            ("default_source", .optional(defaultSource)), ("delinquent", .bool(false)), ("description", .optional(description)),
            ("email", .optional(email)),
            ("invoice_settings", .object([
                ("custom_fields", .null), ("default_payment_method", .optional(defaultPaymentMethod)),
                ("footer", .null), ("rendering_options", .null),
            ])),
            ("livemode", .bool(livemode)), ("metadata", metadata.json), ("name", .optional(name)),
            ("phone", .optional(phone)), ("preferred_locales", .array([])), ("shipping", .null),
            ("tax_exempt", .string("none")),
        ])
    }
}
