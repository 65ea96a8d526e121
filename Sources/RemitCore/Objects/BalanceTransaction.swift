/// One movement of a merchant's balance (`txn_`). A balance per currency is the sum of their `net`.
public struct BalanceTransaction: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var created: Int64
    public var amount: Int64
    public var currency: Currency
    public var fee: Int64
    public var net: Int64
    public var type: String
    public var reportingCategory: String
    public var sourceID: String
    public var availableOn: Int64
    public var description: String?
    public var livemode: Bool

    public init(id: String, accountID: String, created: Int64, amount: Int64, currency: Currency, fee: Int64,
                type: String, reportingCategory: String, sourceID: String, availableOn: Int64,
                description: String?, livemode: Bool) {
        let (net, overflow) = amount.subtractingReportingOverflow(fee)
        precondition(!overflow, "balance transaction net overflows")
        self.id = id
        self.accountID = accountID
        self.created = created
        self.amount = amount
        self.currency = currency
        self.fee = fee
        self.net = net
        self.type = type
        self.reportingCategory = reportingCategory
        self.sourceID = sourceID
        self.availableOn = availableOn
        self.description = description
        self.livemode = livemode
    }

    public func json(now: Int64, source: JSONValue? = nil) -> JSONValue {
        let feeDetails: [JSONValue] = fee == 0 ? [] : [
            .object([
                ("amount", .int(fee)), ("application", .null), ("currency", .string(currency.code)),
                ("description", .string("Remit processing fees")), ("type", .string("stripe_fee")),
            ])
        ]
        return .object([
            ("id", .string(id)), ("object", .string("balance_transaction")), ("amount", .int(amount)),
            ("available_on", .int(availableOn)), ("balance_type", .string("payments")), ("created", .int(created)),
            ("currency", .string(currency.code)), ("description", .optional(description)),
            ("exchange_rate", .null), ("fee", .int(fee)), ("fee_details", .array(feeDetails)), ("net", .int(net)),
            ("reporting_category", .string(reportingCategory)), ("source", source ?? .string(sourceID)),
            ("status", .string(availableOn <= now ? "available" : "pending")), ("type", .string(type)),
        ])
    }
}
