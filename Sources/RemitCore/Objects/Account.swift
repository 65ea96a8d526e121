/// A merchant account (`acct_`). The platform account owns the admin key and may act for any merchant.
public struct Account: Sendable, Equatable {
    public var id: String
    public var created: Int64
    public var isPlatform: Bool
    public var type: String
    public var country: String
    public var email: String?
    public var defaultCurrency: Currency
    /// The stored `business_profile` object, as JSON text.
    public var businessProfile: String
    public var metadata: Metadata
    public var livemode: Bool

    public init(id: String, created: Int64, isPlatform: Bool, type: String, country: String, email: String?,
                defaultCurrency: Currency, businessProfile: String, metadata: Metadata, livemode: Bool) {
        self.id = id
        self.created = created
        self.isPlatform = isPlatform
        self.type = type
        self.country = country
        self.email = email
        self.defaultCurrency = defaultCurrency
        self.businessProfile = businessProfile
        self.metadata = metadata
        self.livemode = livemode
    }

    public var json: JSONValue {
        .object([
            ("id", .string(id)), ("object", .string("account")), ("type", .string(type)),
            ("business_profile", .raw(businessProfile)),
            ("capabilities", .object([("card_payments", .string("active")), ("transfers", .string("active"))])),
            ("charges_enabled", .bool(true)), ("country", .string(country)), ("created", .int(created)),
            ("default_currency", .string(defaultCurrency.code)), ("details_submitted", .bool(true)),
            ("email", .optional(email)), ("livemode", .bool(livemode)), ("metadata", metadata.json),
            ("payouts_enabled", .bool(true)),
            ("settings", .object([("payments", .object([("statement_descriptor", .null)]))])),
        ])
    }
}
