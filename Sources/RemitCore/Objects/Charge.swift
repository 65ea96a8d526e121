/// A charge (`ch_`): one attempt to move money from a card to a merchant.
public struct Charge: Sendable, Equatable {
    public var id: String
    public var accountID: String
    public var created: Int64
    public var amount: Int64
    public var amountCaptured: Int64
    /// Refunded plus released-at-partial-capture, as Stripe counts it.
    public var amountRefunded: Int64
    public var currency: Currency
    public var captured: Bool
    public var paid: Bool
    public var refunded: Bool
    public var disputed: Bool
    public var status: ChargeStatus
    public var customerID: String?
    public var description: String?
    public var receiptEmail: String?
    public var statementDescriptor: String?
    public var paymentMethodID: String
    public var card: Card
    public var failureCode: String?
    public var failureMessage: String?
    public var declineCode: String?
    public var outcome: Outcome
    public var balanceTransactionID: String?
    /// `tok_bypassPending`: captured funds are available at once.
    public var fundsAvailableImmediately: Bool
    public var metadata: Metadata
    public var livemode: Bool
    /// The open or closed Review (`prv_…`) of a charge sent to manual review.
    public var reviewID: String? = nil
    /// The PaymentIntent this charge is an attempt of, if any.
    public var paymentIntentID: String? = nil
    /// `payment_method_details.card.three_d_secure.result` when the payment was authenticated (`authenticated`).
    public var threeDSecureResult: String? = nil

    public init(id: String, accountID: String, created: Int64, amount: Int64, amountCaptured: Int64,
                amountRefunded: Int64, currency: Currency, captured: Bool, paid: Bool, refunded: Bool,
                disputed: Bool, status: ChargeStatus, customerID: String?, description: String?, receiptEmail: String?,
                statementDescriptor: String?, paymentMethodID: String, card: Card, failureCode: String?,
                failureMessage: String?, declineCode: String?, outcome: Outcome, balanceTransactionID: String?,
                fundsAvailableImmediately: Bool, metadata: Metadata, livemode: Bool) {
        self.id = id
        self.accountID = accountID
        self.created = created
        self.amount = amount
        self.amountCaptured = amountCaptured
        self.amountRefunded = amountRefunded
        self.currency = currency
        self.captured = captured
        self.paid = paid
        self.refunded = refunded
        self.disputed = disputed
        self.status = status
        self.customerID = customerID
        self.description = description
        self.receiptEmail = receiptEmail
        self.statementDescriptor = statementDescriptor
        self.paymentMethodID = paymentMethodID
        self.card = card
        self.failureCode = failureCode
        self.failureMessage = failureMessage
        self.declineCode = declineCode
        self.outcome = outcome
        self.balanceTransactionID = balanceTransactionID
        self.fundsAvailableImmediately = fundsAvailableImmediately
        self.metadata = metadata
        self.livemode = livemode
    }

    /// What can still be refunded: the captured amount less what was refunded.
    public var refundableAmount: Int64 { amount - amountRefunded }

    /// The Stripe JSON, with expandable fields replaced where the caller expanded them.
    public func json(balanceTransaction: JSONValue? = nil, customer: JSONValue? = nil) -> JSONValue {
        .object([
            ("id", .string(id)), ("object", .string("charge")), ("amount", .int(amount)),
            ("amount_captured", .int(amountCaptured)), ("amount_refunded", .int(amountRefunded)),
            ("application", .null), ("application_fee", .null), ("application_fee_amount", .null),
            ("balance_transaction", balanceTransaction ?? .optional(balanceTransactionID)),
            ("billing_details", .object([
                ("address", .null), ("email", .null), ("name", .null), ("phone", .null),
            ])),
            ("calculated_statement_descriptor", .optional(statementDescriptor ?? "REMIT")),
            ("captured", .bool(captured)), ("created", .int(created)), ("currency", .string(currency.code)),
            ("customer", customer ?? .optional(customerID)), ("description", .optional(description)),
            ("disputed", .bool(disputed)), ("failure_balance_transaction", .null),
            ("failure_code", .optional(failureCode)), ("failure_message", .optional(failureMessage)),
            ("fraud_details", .object([])), ("livemode", .bool(livemode)), ("metadata", metadata.json),
            ("on_behalf_of", .null), ("outcome", outcome.json), ("paid", .bool(paid)), ("payment_intent", .optional(paymentIntentID)),
            ("payment_method", .string(paymentMethodID)),
            ("payment_method_details", .object([
                ("card", .object([
                    ("brand", .string(card.brand)),
                    ("checks", .object([
                        ("address_line1_check", .null), ("address_postal_code_check", .null),
                        ("cvc_check", .string("pass")),
                    ])),
                    ("country", .string(card.country)), ("exp_month", .int(card.expMonth)),
                    ("exp_year", .int(card.expYear)), ("fingerprint", .string(card.fingerprint)),
                    ("funding", .string(card.funding)), ("last4", .string(card.last4)),
                    ("network", .string(card.brand)),
                    ("three_d_secure", threeDSecureResult.map { result in
                        .object([
                            ("authentication_flow", .string("challenge")), ("electronic_commerce_indicator", .string("05")),
                            ("result", .string(result)), ("result_reason", .null), ("version", .string("2.2.0")),
                        ])
                    } ?? .null),
                ])),
                ("type", .string("card")),
            ])),
            ("receipt_email", .optional(receiptEmail)), ("receipt_number", .null), ("receipt_url", .null),
            ("refunded", .bool(refunded)), ("review", .optional(reviewID)), ("shipping", .null),
            ("source", .object([
                ("id", .string(paymentMethodID)), ("object", .string("card")), ("brand", .string(card.displayBrand)),
                ("country", .string(card.country)), ("customer", .optional(customerID)),
                ("exp_month", .int(card.expMonth)), ("exp_year", .int(card.expYear)),
                ("fingerprint", .string(card.fingerprint)), ("funding", .string(card.funding)),
                ("last4", .string(card.last4)), ("metadata", .object([])),
            ])),
            ("statement_descriptor", .optional(statementDescriptor)), ("status", .string(status.rawValue)),
            ("transfer_data", .null), ("transfer_group", .null),
        ])
    }
}
