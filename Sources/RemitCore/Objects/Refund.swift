/// A refund (`re_`) of part or all of a captured charge.
public struct Refund: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var created: Int64
    public var chargeID: String
    public var amount: Int64
    public var currency: Currency
    public var status: RefundStatus
    public var reason: String?
    public var balanceTransactionID: String?
    public var metadata: Metadata
    public var livemode: Bool
    /// The PaymentIntent of the refunded charge, if any.
    public var paymentIntentID: String? = nil

    public init(id: String, accountID: String, created: Int64, chargeID: String, amount: Int64, currency: Currency,
                status: RefundStatus, reason: String?, balanceTransactionID: String?, metadata: Metadata, livemode: Bool) {
        self.id = id
        self.accountID = accountID
        self.created = created
        self.chargeID = chargeID
        self.amount = amount
        self.currency = currency
        self.status = status
        self.reason = reason
        self.balanceTransactionID = balanceTransactionID
        self.metadata = metadata
        self.livemode = livemode
    }

    public func json(balanceTransaction: JSONValue? = nil, charge: JSONValue? = nil) -> JSONValue {
        .object([
            ("id", .string(id)), ("object", .string("refund")), ("amount", .int(amount)),
            ("balance_transaction", balanceTransaction ?? .optional(balanceTransactionID)),
            ("charge", charge ?? .string(chargeID)), ("created", .int(created)), ("currency", .string(currency.code)),
            ("destination_details", .null), ("metadata", metadata.json), ("payment_intent", .optional(paymentIntentID)),
            ("reason", .optional(reason)), ("receipt_number", .null), ("source_transfer_reversal", .null),
            ("status", .string(status.rawValue)), ("transfer_reversal", .null),
        ])
    }
}
