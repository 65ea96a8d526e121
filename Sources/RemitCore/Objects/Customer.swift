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
    /// `invoice_settings.default_payment_method`: charged when a charge names the customer but no source.
    public var defaultPaymentMethod: String?
    public var balance: Int64
    public var metadata: Metadata
    public var deleted: Bool
    public var livemode: Bool

    public init(id: String, accountID: String, created: Int64, email: String? = nil, name: String? = nil,
                description: String? = nil, phone: String? = nil, address: String? = nil,
                defaultPaymentMethod: String? = nil, balance: Int64 = 0, metadata: Metadata = Metadata(),
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
        self.balance = balance
        self.metadata = metadata
        self.deleted = deleted
        self.livemode = livemode
    }

    public var json: JSONValue {
        if deleted {
            return .object([("id", .string(id)), ("object", .string("customer")), ("deleted", .bool(true))])
        }
        return .object([
            ("id", .string(id)), ("object", .string("customer")), ("address", address.map { .raw($0) } ?? .null),
            ("balance", .int(balance)), ("created", .int(created)), ("currency", .null),
            ("default_source", .null), ("delinquent", .bool(false)), ("description", .optional(description)),
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
