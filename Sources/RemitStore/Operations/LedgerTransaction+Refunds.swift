import RemitCore
import RemitSQL

/// A validated `POST /v1/refunds`.
public struct RefundRequest: Sendable {
    /// The charge to refund; empty when `paymentIntentID` names it.
    public var chargeID: String
    /// `payment_intent`: refund the intent's successful charge.
    public var paymentIntentID: String?
    public var amount: Int64?
    public var reason: String?
    public var metadata: Metadata

    public init(chargeID: String, amount: Int64? = nil, reason: String? = nil, metadata: Metadata = Metadata()) {
        self.chargeID = chargeID
        self.amount = amount
        self.reason = reason
        self.metadata = metadata
    }

    public static let reasons: Set<String> = ["duplicate", "fraudulent", "requested_by_customer"]
}

extension LedgerTransaction {
    /// Refunds part or all of what is left of a charge. A captured charge gets a negative balance
    /// transaction; an uncaptured one has its authorization released (no money moved).
    public func createRefund(_ request: RefundRequest) async throws -> (Refund, Charge) {
        try await createRefund(request, forIntent: false)
    }

    /// - Parameters:
    ///   - forIntent: the intent releases its own authorization (cancel, expiry).
    ///   - chargeEvent: `charge.refunded`, or `charge.expired` for an authorization that lapsed.
    func createRefund(_ request: RefundRequest, forIntent: Bool, chargeEvent: String = "charge.refunded") async throws
        -> (Refund, Charge)
    {
        var chargeID = request.chargeID
        if let intentID = request.paymentIntentID {
            guard let intent = try await reader.paymentIntent(intentID) else {
                throw StripeError.noSuch("payment_intent", intentID, param: "payment_intent")
            }
            guard intent.status == .succeeded, let latest = intent.latestChargeID else {
                throw StripeError.invalid("payment_intent",
                    "This PaymentIntent (\(intentID)) does not have a successful charge to refund.")
            }
            chargeID = latest
        }
        guard var charge = try await ChargeRows.find(chargeID, account: accountID, on: connection, forUpdate: true)
        else {
            throw StripeError.noSuch("charge", chargeID, param: "charge")
        }
        if let intent = charge.paymentIntentID, !forIntent, !charge.captured {
            throw Self.chargeOfIntent(charge.id, intent)
        }
        guard charge.status == .succeeded else {
            throw StripeError.invalid("charge", "Charge \(charge.id) has a status of \(charge.status.rawValue) and cannot be refunded.",
                                      code: "charge_not_refundable")
        }
        if charge.disputed, try await hasChargebackBlockingRefunds(charge.id) {
            throw StripeError(type: .invalidRequest, code: "charge_disputed",
                              message: "Charge \(charge.id) has been charged back; cannot issue a refund.", param: "charge")
        }
        guard charge.refundableAmount > 0 else {
            throw StripeError(type: .invalidRequest, code: "charge_already_refunded",
                              message: "Charge \(charge.id) has already been refunded.", param: "charge")
        }
        let amount = request.amount ?? charge.refundableAmount
        guard amount > 0 else {
            throw StripeError.invalid("amount", "Amount must be at least 1.", code: "amount_too_small")
        }
        guard amount <= charge.refundableAmount else {
            throw StripeError.invalid(
                "amount",
                "Refund amount (\(charge.currency.format(amount))) is greater than unrefunded amount on charge "
                    + "(\(charge.currency.format(charge.refundableAmount)))",
                code: "amount_too_large")
        }
        guard charge.captured || amount == charge.amount else {
            throw StripeError.invalid("amount", "An uncaptured charge can only be refunded in full.")
        }
        let refundID = ledger.ids("re")
        var entryID: String?
        if charge.captured {
            let entry = BalanceTransaction(
                id: ledger.ids("txn"), accountID: accountID, created: now, amount: -amount, currency: charge.currency,
                fee: 0, type: "refund", reportingCategory: "refund", sourceID: refundID, availableOn: now,
                description: "REFUND FOR CHARGE", livemode: context.livemode)
            try await LedgerRows.post(entry, on: connection)
            entryID = entry.id
        }
        var refund = Refund(
            id: refundID, accountID: accountID, created: now, chargeID: charge.id, amount: amount,
            currency: charge.currency, status: .succeeded, reason: request.reason, balanceTransactionID: entryID,
            metadata: request.metadata, livemode: context.livemode)
        refund.paymentIntentID = charge.paymentIntentID
        try await connection.execute("""
            INSERT INTO refunds (id, account_id, created, charge_id, amount, currency, status, reason,
                balance_transaction_id, metadata, livemode, payment_intent_id)
            VALUES (\(refund.id), \(accountID), \(refund.created), \(refund.chargeID), \(refund.amount),
                \(refund.currency.code), \(refund.status.rawValue), \(refund.reason), \(refund.balanceTransactionID),
                \(refund.metadata.storageText), \(refund.livemode), \(refund.paymentIntentID))
            """)
        let previous = JSONValue.object([
            ("amount_refunded", .int(charge.amountRefunded)), ("refunded", .bool(charge.refunded)),
        ])
        let before = charge
        charge.amountRefunded += amount
        charge.refunded = charge.amountRefunded == charge.amount
        try await ChargeRows.update(charge, from: before, on: connection)
        try await emit(chargeEvent, charge.json(), id: charge.id, previous: previous)
        try await emit("refund.created", refund.json(), id: refund.id)
        return (refund, charge)
    }

    /// Whether a chargeback on the charge is open or lost: its money is the cardholder's already, or may be. (A
    /// dispute only ever leaves that set by being won, so reading it without a lock cannot let a refund through
    /// that the dispute's next state would forbid.)
    private func hasChargebackBlockingRefunds(_ chargeID: String) async throws -> Bool {
        let blocking = DisputeStatus.allCases.filter(\.blocksRefunds).map { (status) -> SQL in "\(status.rawValue)" }
        return try await connection.queryFirst("""
            SELECT 1 AS found FROM disputes WHERE account_id = \(accountID) AND charge_id = \(chargeID)
                AND status IN (\(sql: SQL.join(blocking, separator: ", ")))
            """) != nil
    }

    /// Updates a refund's metadata (`refund.updated`).
    public func updateRefund(_ id: String, metadata update: MetadataUpdate) async throws -> Refund {
        guard var refund = try await reader.refund(id) else { throw StripeError.noSuch("refund", id) }
        let merged = try update.applied(to: refund.metadata)
        guard merged != refund.metadata else { return refund }
        let previous = JSONValue.object([("metadata", refund.metadata.json)])
        refund.metadata = merged
        try await connection.execute(
            "UPDATE refunds SET metadata = \(merged.storageText) WHERE id = \(id) AND account_id = \(accountID)")
        try await emit("refund.updated", refund.json(), id: refund.id, previous: previous)
        return refund
    }
}
