/// A product (`prod_`): what a price sells.
public struct Product: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var created: Int64
    public var updated: Int64
    public var name: String
    public var description: String?
    public var active: Bool
    public var defaultPriceID: String?
    public var metadata: Metadata
    public var livemode: Bool

    public init(id: String, accountID: String, created: Int64, updated: Int64, name: String, description: String?,
                active: Bool, defaultPriceID: String?, metadata: Metadata, livemode: Bool) {
        self.id = id
        self.accountID = accountID
        self.created = created
        self.updated = updated
        self.name = name
        self.description = description
        self.active = active
        self.defaultPriceID = defaultPriceID
        self.metadata = metadata
        self.livemode = livemode
    }

    public var json: JSONValue {
        .object([
            ("id", .string(id)), ("object", .string("product")), ("active", .bool(active)), ("created", .int(created)),
            ("default_price", .optional(defaultPriceID)), ("description", .optional(description)),
            ("images", .array([])), ("livemode", .bool(livemode)), ("marketing_features", .array([])),
            ("metadata", metadata.json), ("name", .string(name)), ("package_dimensions", .null),
            ("shippable", .null), ("statement_descriptor", .null), ("tax_code", .null), ("unit_label", .null),
            ("updated", .int(updated)), ("url", .null),
        ])
    }
}
