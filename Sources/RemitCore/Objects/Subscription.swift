/// A subscription (`sub_`): a customer pays for prices every period.
public struct Subscription: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var id: String
        public var priceID: String
        public var quantity: Int64

        public init(id: String, priceID: String, quantity: Int64) {
            self.id = id
            self.priceID = priceID
            self.quantity = quantity
        }
    }

    public var id: String
    public var accountID: String
    public var created: Int64
    public var customerID: String
    public var status: SubscriptionStatus
    public var items: [Item]
    public var currency: Currency
    public var defaultPaymentMethod: String?
    public var currentPeriodStart: Int64
    public var currentPeriodEnd: Int64
    public var cancelAtPeriodEnd: Bool
    public var canceledAt: Int64?
    public var endedAt: Int64?
    /// The charge that paid the latest period (Remit has no invoices yet).
    public var latestChargeID: String?
    public var metadata: Metadata
    public var livemode: Bool

    public init(id: String, accountID: String, created: Int64, customerID: String, status: SubscriptionStatus, items: [Item],
                currency: Currency, defaultPaymentMethod: String?, currentPeriodStart: Int64, currentPeriodEnd: Int64,
                cancelAtPeriodEnd: Bool = false, canceledAt: Int64? = nil, endedAt: Int64? = nil,
                latestChargeID: String? = nil, metadata: Metadata = Metadata(), livemode: Bool) {
        self.id = id
        self.accountID = accountID
        self.created = created
        self.customerID = customerID
        self.status = status
        self.items = items
        self.currency = currency
        self.defaultPaymentMethod = defaultPaymentMethod
        self.currentPeriodStart = currentPeriodStart
        self.currentPeriodEnd = currentPeriodEnd
        self.cancelAtPeriodEnd = cancelAtPeriodEnd
        self.canceledAt = canceledAt
        self.endedAt = endedAt
        self.latestChargeID = latestChargeID
        self.metadata = metadata
        self.livemode = livemode
    }

    /// The stored form of the items: `price:quantity:item` triples.
    public var itemsText: String { items.map { "\($0.priceID):\($0.quantity):\($0.id)" }.joined(separator: ",") }

    public static func items(fromText text: String) -> [Item] {
        text.split(separator: ",").compactMap { part in
            let fields = part.split(separator: ":")
            guard fields.count == 3, let quantity = Int64(fields[1]) else { return nil }
            return Item(id: String(fields[2]), priceID: String(fields[0]), quantity: quantity)
        }
    }

    /// - Parameter prices: the JSON of each item's price, by price id.
    public func json(prices: [String: JSONValue]) -> JSONValue {
        let itemJSON: [JSONValue] = items.map { item in
            .object([
                ("id", .string(item.id)), ("object", .string("subscription_item")), ("created", .int(created)),
                ("current_period_end", .int(currentPeriodEnd)), ("current_period_start", .int(currentPeriodStart)),
                ("metadata", .object([])), ("price", prices[item.priceID] ?? .string(item.priceID)),
                ("quantity", .int(item.quantity)), ("subscription", .string(id)),
            ])
        }
        return .object([
            ("id", .string(id)), ("object", .string("subscription")), ("billing_cycle_anchor", .int(created)),
            ("cancel_at", cancelAtPeriodEnd ? .int(currentPeriodEnd) : .null),
            ("cancel_at_period_end", .bool(cancelAtPeriodEnd)), ("canceled_at", .optional(canceledAt)),
            ("collection_method", .string("charge_automatically")), ("created", .int(created)),
            ("currency", .string(currency.code)), ("current_period_end", .int(currentPeriodEnd)),
            ("current_period_start", .int(currentPeriodStart)), ("customer", .string(customerID)),
            ("default_payment_method", .optional(defaultPaymentMethod)), ("ended_at", .optional(endedAt)),
            ("items", .object([
                ("object", .string("list")), ("data", .array(itemJSON)), ("has_more", .bool(false)),
                ("url", .string("/v1/subscription_items?subscription=\(id)")),
            ])),
            ("latest_charge", .optional(latestChargeID)), ("latest_invoice", .null), ("livemode", .bool(livemode)),
            ("metadata", metadata.json), ("start_date", .int(created)), ("status", .string(status.rawValue)),
            ("trial_end", .null), ("trial_start", .null),
        ])
    }
}
