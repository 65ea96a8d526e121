/// A price (`price_`): an amount per unit, once or every interval.
public struct Price: Sendable, Equatable {
    public enum Interval: String, Sendable, CaseIterable {
        case day, week, month, year
    }

    public var id: String
    public var accountID: String
    public var created: Int64
    public var productID: String
    public var currency: Currency
    public var unitAmount: Int64
    /// nil for a one-time price.
    public var interval: Interval?
    public var intervalCount: Int64
    public var active: Bool
    public var nickname: String?
    public var metadata: Metadata
    public var livemode: Bool

    public init(id: String, accountID: String, created: Int64, productID: String, currency: Currency, unitAmount: Int64,
                interval: Interval?, intervalCount: Int64, active: Bool, nickname: String?, metadata: Metadata,
                livemode: Bool) {
        self.id = id
        self.accountID = accountID
        self.created = created
        self.productID = productID
        self.currency = currency
        self.unitAmount = unitAmount
        self.interval = interval
        self.intervalCount = intervalCount
        self.active = active
        self.nickname = nickname
        self.metadata = metadata
        self.livemode = livemode
    }

    public var json: JSONValue {
        let recurring: JSONValue = interval.map { interval in
            .object([
                ("interval", .string(interval.rawValue)), ("interval_count", .int(intervalCount)),
                ("meter", .null), ("usage_type", .string("licensed")),
            ])
        } ?? .null
        return .object([
            ("id", .string(id)), ("object", .string("price")), ("active", .bool(active)),
            ("billing_scheme", .string("per_unit")), ("created", .int(created)), ("currency", .string(currency.code)),
            ("livemode", .bool(livemode)), ("lookup_key", .null), ("metadata", metadata.json),
            ("nickname", .optional(nickname)), ("product", .string(productID)), ("recurring", recurring),
            ("tax_behavior", .string("unspecified")), ("type", .string(interval == nil ? "one_time" : "recurring")),
            ("unit_amount", .int(unitAmount)), ("unit_amount_decimal", .string(String(unitAmount))),
        ])
    }
}
