import RemitCore
import RemitProcessor
import RemitSQL

extension LedgerTransaction {
    /// Authorizes and records a charge: the charge row, and for a captured success its balance transaction
    /// and the balance update, with `charge.succeeded` or `charge.failed`, all in this transaction.
    public func createCharge(_ request: ChargeRequest) async throws -> ChargeResult {
        var request = request
        request.canChallenge = false
        switch try await attemptCharge(request) {
        case .charged(let result): return result
        case .authenticationRequested: throw StripeError(type: .api, message: "A payment that cannot authenticate was asked to.")
        }
    }

    /// A charge, or (when `request.canChallenge`) the risk check's request that the customer authenticate first,
    /// decided before anything is written.
    func attemptCharge(_ request: ChargeRequest) async throws -> ChargeAttempt {
        var customer: Customer?
        if let customerID = request.customerID {
            guard let found = try await reader.customer(customerID) else {
                throw StripeError.noSuch("customer", customerID, param: "customer")
            }
            customer = found
        }
        guard let instrument = request.instrument ?? customer?.chargeableDefault.map(PaymentInstrument.reference) else {
            if customer != nil {
                // Stripe answers this one as a card error (402), research/payment-intents.md §6.
                throw StripeError(type: .card, code: "missing",
                                  message: "Cannot charge a customer that has no active card", param: "card")
            }
            throw StripeError(type: .invalidRequest, code: "parameter_missing",
                              message: "Must provide source or customer.", param: "source")
        }
        let payment: (card: ResolvedCard, saved: PaymentMethod?)
        if let method = request.lockedPaymentMethod, case .reference(method.id) = instrument {
            payment = (ledger.processor.resolve(saved: method.savedCard), method)
        } else {
            payment = try await paymentCard(instrument, customerID: request.customerID, param: request.instrumentParam)
        }
        var card = payment.card
        card.authentication = request.authentication
        card.authentication.setUpForOffSession = payment.saved?.setUpForOffSession ?? false
        // Flow 1: the risk check comes first; a block never reaches the network.
        let mayRequestAuthentication = request.canChallenge && card.threeDSecure.isEnrolled && !card.authentication.authenticated
        let risk = try await assessRisk(request, card: card, customer: customer,
                                        mayRequestAuthentication: mayRequestAuthentication)
        if risk.acts, risk.verdict == .authenticate, mayRequestAuthentication {
            return .authenticationRequested(riskScore: risk.riskScore)
        }
        if let country = risk.cardCountry { card.card.country = country }
        let authorization: Authorization
        if risk.acts && risk.verdict == .block {
            authorization = FraudOutcomes.blocked(risk)
        } else {
            let answer = await ledger.processor.authorize(card, amount: Money(request.amount, request.currency))
            authorization = FraudOutcomes.applying(risk, to: answer)
        }
        var charge = makeCharge(request, card: card, authorization: authorization)
        var entry: BalanceTransaction?
        var decline: StripeError?
        switch authorization.result {
        case .approved:
            if request.capture {
                let posted = try await postCapture(of: &charge, amount: request.amount)
                entry = posted
            }
        case .declined(let code, let declineCode, let message):
            charge.status = .failed
            charge.paid = false
            charge.failureCode = code
            charge.failureMessage = message
            charge.declineCode = declineCode
            var error = StripeError(type: .card, code: code, message: message,
                                    declineCode: declineCode, charge: charge.id)
            if code == "incorrect_cvc" { error.param = "cvc" }
            decline = error
        }
        if decline == nil, charge.outcome.type == "manual_review" {
            try await openReview(on: &charge, ipAddress: request.signals.ipAddress)
        }
        try await ChargeRows.insert(charge, on: connection)
        if let saved = payment.saved, decline == nil, !request.savesPaymentMethod { try await spendIfUnattached(saved) }
        try await risk.record(charge.id, charge.status == .succeeded)
        let rendered = charge.json().rendered()
        try await emit(decline == nil ? "charge.succeeded" : "charge.failed", .raw(rendered), id: charge.id)
        let answered = charge
        if let scenario = authorization.dispute, decline == nil, charge.captured {
            // The cardholder's bank disputes it right after (Stripe's dispute test cards); the answer
            // shows the charge as it was when authorized.
            try await openDispute(on: &charge, scenario)
        }
        return .charged(ChargeResult(charge: answered, balanceTransaction: entry, decline: decline, rendered: rendered))
    }

    private func assessRisk(_ request: ChargeRequest, card: ResolvedCard, customer: Customer?,
                            mayRequestAuthentication: Bool) async throws -> RiskAssessment {
        guard let check = ledger.riskCheck else { return .unassessed }
        let subject = RiskSubject(request: request, card: card, customer: customer,
                                  mayRequestAuthentication: mayRequestAuthentication)
        return try await check.assess(subject, in: riskScope)
    }

    private func makeCharge(_ request: ChargeRequest, card: ResolvedCard, authorization: Authorization) -> Charge {
        var charge = Charge(
            id: ledger.ids("ch"), accountID: accountID, created: now, amount: request.amount, amountCaptured: 0,
            amountRefunded: 0, currency: request.currency, captured: false, paid: true, refunded: false,
            disputed: false, status: .succeeded, customerID: request.customerID, description: request.description,
            receiptEmail: request.receiptEmail, statementDescriptor: request.statementDescriptor,
            paymentMethodID: mintedPaymentMethodID(card.paymentMethodID), card: card.card, failureCode: nil,
            failureMessage: nil,
            declineCode: nil, outcome: authorization.outcome, balanceTransactionID: nil,
            fundsAvailableImmediately: authorization.fundsAvailableImmediately, metadata: request.metadata,
            livemode: context.livemode)
        charge.paymentIntentID = request.paymentIntentID
        if request.authentication.authenticated { charge.threeDSecureResult = "authenticated" }
        return charge
    }

    /// As Stripe does, a token becomes a new card (`card_…`) and a test PaymentMethod a new PaymentMethod
    /// (`pm_…`) on the charge; raw card details already carry a `card_…` id.
    private func mintedPaymentMethodID(_ reference: String) -> String {
        if reference.hasPrefix("tok_") { return ledger.ids("card") }
        if reference.hasPrefix("pm_card_") { return ledger.ids("pm") }
        return reference
    }

    /// Captures `amount` of an authorized charge: the fee, the balance transaction and the balance move.
    /// Any uncaptured remainder is released (it counts in `amount_refunded`, as Stripe shows it).
    private func postCapture(of charge: inout Charge, amount: Int64) async throws -> BalanceTransaction {
        precondition(amount > 0 && amount <= charge.amount && !charge.captured)
        let day: Int64 = 86_400
        let availableOn = charge.fundsAvailableImmediately ? now : (now / day + 2) * day
        let entry = BalanceTransaction(
            id: ledger.ids("txn"), accountID: accountID, created: now, amount: amount, currency: charge.currency,
            fee: ledger.fees.fee(for: amount), type: "charge", reportingCategory: "charge", sourceID: charge.id,
            availableOn: availableOn, description: charge.description, livemode: context.livemode)
        try await LedgerRows.post(entry, on: connection)
        charge.captured = true
        charge.amountCaptured = amount
        charge.amountRefunded = charge.amount - amount
        charge.balanceTransactionID = entry.id
        return entry
    }

    /// Captures an uncaptured charge, fully or partly (`amount`). A PaymentIntent's charge is captured through the
    /// intent, which keeps its `amount_capturable` and `amount_received` with it.
    public func captureCharge(_ id: String, amount: Int64?) async throws -> ChargeResult {
        try await captureCharge(id, amount: amount, forIntent: false)
    }

    func captureCharge(_ id: String, amount: Int64?, forIntent: Bool) async throws -> ChargeResult {
        guard var charge = try await ChargeRows.find(id, account: accountID, on: connection, forUpdate: true) else {
            throw StripeError.noSuch("charge", id)
        }
        if let intent = charge.paymentIntentID, !forIntent, !charge.captured {
            throw Self.chargeOfIntent(charge.id, intent)
        }
        guard charge.status == .succeeded else {
            throw StripeError(type: .invalidRequest, code: "charge_not_capturable",
                              message: "Charge \(id) has a status of \(charge.status.rawValue) and cannot be captured.")
        }
        guard !charge.captured else {
            throw StripeError(type: .invalidRequest, code: "charge_already_captured",
                              message: "Charge \(id) has already been captured.")
        }
        guard !charge.refunded else {
            throw StripeError(type: .invalidRequest, code: "charge_expired_for_capture",
                              message: "Charge \(id) has been refunded and cannot be captured.")
        }
        let captureAmount = amount ?? charge.amount
        guard captureAmount <= charge.amount else {
            throw StripeError.invalid("amount", "Amount to capture (\(captureAmount)) cannot exceed the amount of the charge (\(charge.amount)).",
                                      code: "amount_too_large")
        }
        guard captureAmount >= charge.currency.minimumChargeAmount else {
            throw StripeError.invalid("amount", "Amount must be at least \(charge.currency.format(charge.currency.minimumChargeAmount))",
                                      code: "amount_too_small")
        }
        let uncaptured = charge
        let entry = try await postCapture(of: &charge, amount: captureAmount)
        try await ChargeRows.update(charge, from: uncaptured, on: connection)
        try await emit("charge.captured", charge.json(), id: charge.id,
                       previous: .object([("amount_captured", .int(0)), ("captured", .bool(false))]))
        return ChargeResult(charge: charge, balanceTransaction: entry, decline: nil)
    }

    /// Updates `description`, `metadata`, `receipt_email` or `customer` of a charge (`charge.updated`).
    public func updateCharge(_ id: String, _ update: ChargeUpdate) async throws -> Charge {
        guard var charge = try await ChargeRows.find(id, account: accountID, on: connection, forUpdate: true) else {
            throw StripeError.noSuch("charge", id)
        }
        let before = charge
        var previous: [(String, JSONValue)] = []
        if let description = update.description, description != charge.description {
            previous.append(("description", .optional(charge.description)))
            charge.description = description.isEmpty ? nil : description
        }
        if let email = update.receiptEmail, email != charge.receiptEmail {
            previous.append(("receipt_email", .optional(charge.receiptEmail)))
            charge.receiptEmail = email.isEmpty ? nil : email
        }
        if let customerID = update.customerID, customerID != charge.customerID {
            guard charge.customerID == nil else {
                throw StripeError.invalid("customer", "Charge \(id) already has a customer.")
            }
            guard try await reader.customer(customerID) != nil else {
                throw StripeError.noSuch("customer", customerID, param: "customer")
            }
            previous.append(("customer", .null))
            charge.customerID = customerID
        }
        try update.metadata?.apply(to: &charge.metadata, recordingIn: &previous)
        guard charge != before else { return charge }
        try await ChargeRows.update(charge, from: before, on: connection)
        try await emit("charge.updated", charge.json(), id: charge.id, previous: .object(previous))
        return charge
    }
}

/// The updatable fields of a charge; nil leaves a field alone, "" clears it.
public struct ChargeUpdate: Sendable {
    public var description: String?
    public var receiptEmail: String?
    public var customerID: String?
    public var metadata: MetadataUpdate?

    public init(description: String? = nil, receiptEmail: String? = nil, customerID: String? = nil,
                metadata: MetadataUpdate? = nil) {
        self.description = description
        self.receiptEmail = receiptEmail
        self.customerID = customerID
        self.metadata = metadata
    }
}

extension LedgerTransaction {
    /// An uncaptured charge of a PaymentIntent moves only through its intent (capture or cancel).
    static func chargeOfIntent(_ chargeID: String, _ intentID: String) -> StripeError {
        StripeError.invalid("charge", "Charge \(chargeID) belongs to PaymentIntent \(intentID): capture or cancel the PaymentIntent instead.",
                            code: "charge_not_capturable")
    }
}
