import RemitCore

/// A validated `POST /v1/products` or product update (nil leaves a field alone).
public struct ProductFields: Sendable {
    public var name: String?
    public var description: String?
    public var active: Bool?
    public var defaultPriceID: String?
    public var metadata: MetadataUpdate?

    public init() {}
}

/// A validated `POST /v1/prices`.
public struct PriceRequest: Sendable {
    public var productID: String?
    /// `product_data[name]`: create the product inline.
    public var newProductName: String?
    public var currency: Currency
    public var unitAmount: Int64
    public var interval: Price.Interval?
    public var intervalCount: Int64 = 1
    public var nickname: String?
    public var metadata = Metadata()

    public init(currency: Currency, unitAmount: Int64) {
        self.currency = currency
        self.unitAmount = unitAmount
    }
}

/// A validated `POST /v1/subscriptions`.
public struct SubscriptionRequest: Sendable {
    public var customerID: String
    public var items: [(priceID: String, quantity: Int64)]
    public var defaultPaymentMethod: String?
    public var metadata = Metadata()

    public init(customerID: String, items: [(priceID: String, quantity: Int64)]) {
        self.customerID = customerID
        self.items = items
    }

    public static let itemsMax = 20
}

/// A subscription change (nil leaves a field alone).
public struct SubscriptionUpdate: Sendable {
    public var cancelAtPeriodEnd: Bool?
    public var defaultPaymentMethod: String?
    public var metadata: MetadataUpdate?

    public init() {}
}
