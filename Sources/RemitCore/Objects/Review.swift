/// A Radar review (`prv_`): a charge Remit's fraud check sent to the merchant's manual review queue.
public struct Review: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var chargeID: String
    /// The PaymentIntent of the reviewed charge, if it was one's.
    public var paymentIntentID: String?
    public var created: Int64
    public var open: Bool
    /// Why it is open (`rule`, `manual`) or why it closed (`approved`, `refunded`, `refunded_as_fraud`, `disputed`).
    public var reason: String
    public var openedReason: String
    public var closedReason: String?
    public var ipAddress: String?
    public var livemode: Bool

    public init(id: String, accountID: String, chargeID: String, created: Int64, open: Bool, reason: String,
                openedReason: String, closedReason: String?, ipAddress: String?, livemode: Bool) {
        self.id = id
        self.accountID = accountID
        self.chargeID = chargeID
        self.created = created
        self.open = open
        self.reason = reason
        self.openedReason = openedReason
        self.closedReason = closedReason
        self.ipAddress = ipAddress
        self.livemode = livemode
    }

    public var json: JSONValue {
        .object([
            ("id", .string(id)), ("object", .string("review")), ("billing_zip", .null), ("charge", .string(chargeID)),
            ("closed_reason", .optional(closedReason)), ("created", .int(created)), ("ip_address", .optional(ipAddress)),
            ("ip_address_location", .null), ("livemode", .bool(livemode)), ("open", .bool(open)),
            ("opened_reason", .string(openedReason)), ("payment_intent", .optional(paymentIntentID)), ("reason", .string(reason)),
            ("session", .null),
        ])
    }
}
