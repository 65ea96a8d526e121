/// A dispute (`dp_`): the cardholder's bank contests a charge. Opened by the dispute test cards.
public struct Dispute: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var created: Int64
    public var chargeID: String
    /// The PaymentIntent of the disputed charge, if it was one's.
    public var paymentIntentID: String?
    public var amount: Int64
    public var currency: Currency
    public var reason: String
    public var status: DisputeStatus
    /// Evidence fields as a JSON object text (strings only).
    public var evidence: String
    public var submissionCount: Int64
    public var dueBy: Int64
    public var metadata: Metadata
    public var livemode: Bool

    public init(id: String, accountID: String, created: Int64, chargeID: String, amount: Int64, currency: Currency,
                reason: String, status: DisputeStatus, evidence: String = "{}", submissionCount: Int64 = 0, dueBy: Int64,
                metadata: Metadata = Metadata(), livemode: Bool) {
        self.id = id
        self.accountID = accountID
        self.created = created
        self.chargeID = chargeID
        self.amount = amount
        self.currency = currency
        self.reason = reason
        self.status = status
        self.evidence = evidence
        self.submissionCount = submissionCount
        self.dueBy = dueBy
        self.metadata = metadata
        self.livemode = livemode
    }

    /// Inquiries (`warning_*`) move no money; chargebacks withdraw the amount and a fee.
    public var isInquiry: Bool { status.isInquiry }

    public var isClosed: Bool { status.isClosed }

    /// Whether the disputed charge may still be refunded: an inquiry's may; a chargeback's may not while it is open
    /// or once it is lost (the cardholder has the money back already), as Stripe answers `charge_disputed`.
    public var isChargeRefundable: Bool { !status.blocksRefunds }

    public func json(balanceTransactions: [JSONValue], now: Int64, charge: JSONValue? = nil) -> JSONValue {
        .object([
            ("id", .string(id)), ("object", .string("dispute")), ("amount", .int(amount)),
            ("balance_transactions", .array(balanceTransactions)), ("charge", charge ?? .string(chargeID)),
            ("created", .int(created)), ("currency", .string(currency.code)), ("evidence", .raw(evidence)),
            ("evidence_details", .object([
                ("due_by", .int(dueBy)), ("has_evidence", .bool(evidence != "{}")),
                ("past_due", .bool(now > dueBy && !isClosed)), ("submission_count", .int(submissionCount)),
            ])),
            ("is_charge_refundable", .bool(isChargeRefundable)), ("livemode", .bool(livemode)), ("metadata", metadata.json),
            ("payment_intent", .optional(paymentIntentID)), ("reason", .string(reason)), ("status", .string(status.rawValue)),
        ])
    }

    /// Stripe's evidence fields (all strings here; file fields take file ids).
    public static let evidenceFields: Set<String> = [
        "access_activity_log", "billing_address", "cancellation_policy", "cancellation_policy_disclosure",
        "cancellation_rebuttal", "customer_communication", "customer_email_address", "customer_name",
        "customer_purchase_ip", "customer_signature", "duplicate_charge_documentation", "duplicate_charge_explanation",
        "duplicate_charge_id", "product_description", "receipt", "refund_policy", "refund_policy_disclosure",
        "refund_refusal_explanation", "service_date", "service_documentation", "shipping_address",
        "shipping_carrier", "shipping_date", "shipping_documentation", "shipping_tracking_number",
        "uncategorized_file", "uncategorized_text",
    ]
}
