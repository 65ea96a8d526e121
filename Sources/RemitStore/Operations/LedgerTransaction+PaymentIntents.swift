import RemitCore
import RemitProcessor
import RemitSQL

/// PaymentIntents (research/payment-intents.md §1, design in docs/payment-intents.md): each confirmation is one
/// charge through ``createCharge(_:)`` (the risk check, the ledger, the events), and the intent's status follows the
/// charge's outcome by a compare-and-set on the status it was read in.
extension LedgerTransaction {
    public func createPaymentIntent(_ creation: PaymentIntentCreation) async throws -> PaymentIntentOutcome {
        try await requireCustomer(creation.customerID)
        let id = ledger.ids("pi")
        var intent = PaymentIntent(
            id: id, accountID: accountID, created: now, amount: creation.amount, currency: creation.currency,
            status: .requiresPaymentMethod, clientSecret: clientSecret(for: id), captureMethod: creation.captureMethod,
            confirmationMethod: creation.confirmationMethod, livemode: context.livemode)
        intent.customerID = creation.customerID
        intent.setupFutureUsage = creation.setupFutureUsage
        intent.automaticPaymentMethodsAllowRedirects = creation.automaticAllowRedirects
        intent.description = creation.description
        intent.receiptEmail = creation.receiptEmail
        intent.statementDescriptor = creation.statementDescriptor
        intent.statementDescriptorSuffix = creation.statementDescriptorSuffix
        intent.metadata = creation.metadata
        intent.requestThreeDSecure = creation.requestThreeDSecure ?? .automatic
        var method: PaymentMethod?
        if let reference = creation.paymentMethod {
            method = try await usablePaymentMethod(reference, customerID: intent.customerID, param: "payment_method")
            intent.paymentMethodID = method?.id
            intent.status = .requiresConfirmation
        }
        try await PaymentIntentRows.insert(intent, on: connection)
        try await emit("payment_intent.created", intent.json(), id: intent.id)
        guard let confirmation = creation.confirmation else { return PaymentIntentOutcome(intent: intent) }
        return try await confirm(intent, confirmation, lockedMethod: method)
    }

    public func confirmPaymentIntent(_ id: String, _ confirmation: PaymentIntentConfirmation) async throws
        -> PaymentIntentOutcome
    {
        try await confirm(try await lockedRow(.paymentIntents, id, PaymentIntent.init(row:)), confirmation)
    }

    /// `POST …/{id}`: amounts and the payment method change only while the intent waits for a confirmation; a new
    /// payment method needs a confirmation again. No event: Stripe has no `payment_intent.updated`.
    public func updatePaymentIntent(_ id: String, _ update: PaymentIntentUpdate) async throws -> PaymentIntent {
        let found = try await lockedRow(.paymentIntents, id, PaymentIntent.init(row:))
        var intent = found
        func requireOpen(_ field: String) throws(StripeError) {
            guard found.status.acceptsConfirmation else {
                throw Self.unexpectedState(found, param: field,
                    "This PaymentIntent's \(field) could not be updated because it has a status of \(found.status.rawValue). You may only update the \(field) of a PaymentIntent with one of the following statuses: requires_payment_method, requires_confirmation, requires_action.")
            }
        }
        if let amount = update.amount, amount != intent.amount {
            try requireOpen("amount")
            intent.amount = amount
        }
        if let currency = update.currency, currency != intent.currency {
            try requireOpen("currency")
            intent.currency = currency
        }
        if intent.amount != found.amount || intent.currency != found.currency {
            // Against the currency it will have: the new one, or the intent's own.
            try AmountRules.check(intent.amount, intent.currency)
        }
        if let customerID = update.customerID, customerID != intent.customerID {
            guard !found.status.isFinal else {
                throw Self.unexpectedState(found, param: "customer",
                    "This PaymentIntent's customer could not be updated because it has a status of \(found.status.rawValue).")
            }
            try await requireCustomer(customerID)
            intent.customerID = customerID
        }
        if let reference = update.paymentMethod {
            try requireOpen("payment_method")
            try await abandonPendingAuthentication(of: intent.id)
            intent.nextAction = nil
            if reference.isEmpty {
                intent.paymentMethodID = nil
                intent.status = .requiresPaymentMethod
            } else {
                intent.paymentMethodID = try await usablePaymentMethod(reference, customerID: intent.customerID,
                                                                       param: "payment_method").id
                intent.status = .requiresConfirmation
            }
        }
        if let method = update.captureMethod {
            try requireOpen("capture_method")
            intent.captureMethod = method
        }
        if let usage = update.setupFutureUsage { intent.setupFutureUsage = usage.isEmpty ? nil : usage }
        if let text = update.description { intent.description = text.isEmpty ? nil : text }
        if let text = update.receiptEmail { intent.receiptEmail = text.isEmpty ? nil : text }
        if let text = update.statementDescriptor { intent.statementDescriptor = text.isEmpty ? nil : text }
        if let text = update.statementDescriptorSuffix { intent.statementDescriptorSuffix = text.isEmpty ? nil : text }
        if let metadata = update.metadata { intent.metadata = try metadata.applied(to: intent.metadata) }
        if let request = update.requestThreeDSecure { intent.requestThreeDSecure = request }
        guard intent != found else { return intent }
        try await PaymentIntentRows.update(intent, from: found, on: connection)
        return intent
    }

    /// `POST …/capture`: all of `amount_capturable` or part of it (the rest is released).
    public func capturePaymentIntent(_ id: String, amountToCapture: Int64?, metadata: MetadataUpdate?) async throws
        -> PaymentIntent
    {
        let found = try await lockedRow(.paymentIntents, id, PaymentIntent.init(row:))
        guard found.status.acceptsCapture, let chargeID = found.latestChargeID else {
            throw Self.unexpectedState(found, param: nil,
                "This PaymentIntent could not be captured because it has a status of \(found.status.rawValue). Only a PaymentIntent with one of the following statuses may be captured: requires_capture.")
        }
        let amount = amountToCapture ?? found.amountCapturable
        guard amount <= found.amountCapturable else {
            var error = StripeError.invalid("amount_to_capture",
                "The amount to capture (\(amount)) must be less than or equal to the PaymentIntent's amount_capturable (\(found.amountCapturable)).",
                code: "amount_too_large")
            error.embedded = [("payment_intent", found.json())]
            throw error
        }
        _ = try await captureCharge(chargeID, amount: amount, forIntent: true)
        var intent = found
        intent.status = .succeeded
        intent.amountReceived = amount
        intent.amountCapturable = 0
        if let metadata { intent.metadata = try metadata.applied(to: intent.metadata) }
        try await PaymentIntentRows.update(intent, from: found, on: connection)
        try await emit("payment_intent.succeeded", intent.json(), id: intent.id)
        return intent
    }

    /// `POST …/cancel`: from any open status; an authorized, uncaptured charge is released (refunded in full, no
    /// money moved).
    public func cancelPaymentIntent(_ id: String, reason: String?) async throws -> PaymentIntent {
        let found = try await lockedRow(.paymentIntents, id, PaymentIntent.init(row:))
        return try await cancel(found, reason: reason)
    }

    /// Cancels a locked intent (the caller's request, or the expiry of an uncaptured authorization).
    func cancel(_ found: PaymentIntent, reason: String?, expiring: Bool = false) async throws -> PaymentIntent {
        guard found.status.acceptsCancellation else {
            throw Self.unexpectedState(found, param: nil,
                "You cannot cancel this PaymentIntent because it has a status of \(found.status.rawValue). Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing.")
        }
        try await abandonPendingAuthentication(of: found.id)
        if found.status == .requiresCapture, let chargeID = found.latestChargeID {
            _ = try await createRefund(RefundRequest(chargeID: chargeID), forIntent: true,
                                       chargeEvent: expiring ? "charge.expired" : "charge.refunded")
        }
        var intent = found
        intent.status = .canceled
        intent.canceledAt = now
        intent.cancellationReason = reason
        intent.amountCapturable = 0
        try await PaymentIntentRows.update(intent, from: found, on: connection)
        try await emit("payment_intent.canceled", intent.json(), id: intent.id)
        return intent
    }

    /// One confirmation of a locked intent: the checks of research §1.5, then one charge, whose outcome decides the
    /// intent's status.
    /// `lockedMethod`: the intent's PaymentMethod when this transaction has already read and locked it (a create with
    /// `confirm=true`).
    private func confirm(_ found: PaymentIntent, _ confirmation: PaymentIntentConfirmation,
                         lockedMethod: PaymentMethod? = nil) async throws -> PaymentIntentOutcome
    {
        guard found.status.acceptsConfirmation else {
            let message = found.status == .succeeded
                ? "You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed."
                : "You cannot confirm this PaymentIntent because it has a status of \(found.status.rawValue). Only a PaymentIntent with one of the following statuses may be confirmed: requires_confirmation, requires_payment_method, requires_action."
            throw Self.unexpectedState(found, param: nil, message)
        }
        var intent = found
        var known = lockedMethod
        if let reference = confirmation.paymentMethod {
            known = try await usablePaymentMethod(reference, customerID: intent.customerID, param: "payment_method")
            intent.paymentMethodID = known?.id
        } else if let data = confirmation.paymentMethodData {
            known = try await createPaymentMethod(data, idPrefix: "pm", param: "payment_method_data[card]")
            intent.paymentMethodID = known?.id
        }
        guard let methodID = intent.paymentMethodID else {
            throw Self.unexpectedState(found, param: nil,
                "You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.")
        }
        if intent.automaticPaymentMethodsAllowRedirects == "always", confirmation.returnURL == nil {
            throw Self.returnURLRequired("PaymentIntent", embedding: ("payment_intent", found.json()))
        }
        if let usage = confirmation.setupFutureUsage { intent.setupFutureUsage = usage.isEmpty ? nil : usage }
        if let method = confirmation.captureMethod { intent.captureMethod = method }
        if let email = confirmation.receiptEmail { intent.receiptEmail = email.isEmpty ? nil : email }
        if let request = confirmation.requestThreeDSecure { intent.requestThreeDSecure = request }
        intent.confirmations += 1
        guard intent.confirmations <= PaymentIntent.confirmationsMax else {
            throw Self.unexpectedState(found, param: nil,
                "This PaymentIntent has been confirmed \(PaymentIntent.confirmationsMax) times, the most one PaymentIntent may be. Create a new PaymentIntent.")
        }
        // Only a confirmation opens a challenge: an intent's first one has none to abandon or use.
        let mayHaveChallenges = found.confirmations > 0
        if mayHaveChallenges { try await abandonPendingAuthentication(of: intent.id) }
        let method: PaymentMethod
        if let known, known.id == methodID {
            method = known
        } else {
            method = try await usablePaymentMethod(methodID, customerID: intent.customerID, param: "payment_method")
        }
        let card = ledger.processor.resolve(saved: method.savedCard)
        var authentication = AuthenticationContext(
            offSession: confirmation.offSession, setUpForOffSession: method.setUpForOffSession,
            requested: intent.requestThreeDSecure.asksForAuthentication)
        authentication.authenticated = mayHaveChallenges ? try await hasUnusedAuthentication(of: intent.id) : false
        let canChallenge = !confirmation.offSession && !confirmation.errorOnRequiresAction
        if card.threeDSecure.requiresAuthentication(authentication), !authentication.authenticated, canChallenge {
            return try await requireAction(intent, from: found, confirmation,
                                           requestedBy: card.threeDSecure == .optional ? .merchant : .issuer)
        }
        return try await charge(intent, from: found, method: method, authentication: authentication,
                                signals: confirmation.signals, challengeable: canChallenge ? confirmation : nil)
    }

    /// One charge of the intent's payment method; its outcome decides the intent's status (a decline leaves it
    /// waiting for another payment method, with the error kept as `last_payment_error`).
    /// `challengeable`: the confirmation under way, when the customer is there to answer a challenge the risk check
    /// may ask for.
    /// `method` is the intent's PaymentMethod, read and locked by this transaction.
    func charge(_ intent: PaymentIntent, from found: PaymentIntent, method: PaymentMethod,
                authentication: AuthenticationContext, signals: FraudSignals,
                challengeable: PaymentIntentConfirmation? = nil) async throws -> PaymentIntentOutcome
    {
        var intent = intent
        let methodID = method.id
        let saves = intent.setupFutureUsage != nil && intent.customerID != nil
        var request = ChargeRequest(
            amount: intent.amount, currency: intent.currency, customerID: intent.customerID,
            instrument: .reference(methodID), instrumentParam: "payment_method", description: intent.description,
            metadata: intent.metadata, capture: intent.captureMethod != .manual, receiptEmail: intent.receiptEmail,
            statementDescriptor: intent.statementDescriptor)
        request.paymentIntentID = intent.id
        request.savesPaymentMethod = saves
        request.lockedPaymentMethod = method
        request.signals = signals
        request.authentication = authentication
        request.canChallenge = challengeable != nil
        if authentication.authenticated { try await useAuthentication(of: intent.id) }
        let result: ChargeResult
        switch try await attemptCharge(request) {
        case .charged(let charged):
            result = charged
        case .authenticationRequested(let riskScore):
            guard let confirmation = challengeable else { throw StripeError(type: .api, message: "No one to authenticate.") }
            return try await requireAction(intent, from: found, confirmation, requestedBy: .radar, riskScore: riskScore)
        }
        intent.latestChargeID = result.charge.id
        intent.nextAction = nil
        // The method as the charge left it: spent only by a success without a customer, which embeds or saves nothing.
        if let decline = result.decline {
            var error = decline
            error.embedded = [("payment_method", method.json)]
            intent.status = .requiresPaymentMethod
            intent.paymentMethodID = nil
            intent.lastPaymentError = error.object.rendered()
            try await PaymentIntentRows.update(intent, from: found, on: connection)
            try await emit("payment_intent.payment_failed", intent.json(), id: intent.id)
            error.embedded.insert(("payment_intent", intent.json()), at: 0)
            return PaymentIntentOutcome(intent: intent, charge: result.charge, decline: error)
        }
        intent.lastPaymentError = nil
        intent.reviewID = result.charge.reviewID
        if intent.captureMethod == .manual {
            intent.status = .requiresCapture
            intent.amountCapturable = intent.amount
        } else {
            intent.status = .succeeded
            intent.amountReceived = intent.amount
        }
        try await PaymentIntentRows.update(intent, from: found, on: connection)
        if saves, let customerID = intent.customerID {
            try await saveForLater(method, customerID: customerID, offSession: intent.setupFutureUsage == "off_session")
        }
        try await emit(intent.status == .succeeded ? "payment_intent.succeeded" : "payment_intent.amount_capturable_updated",
                       intent.json(), id: intent.id)
        return PaymentIntentOutcome(intent: intent, charge: result.charge)
    }

    /// `setup_future_usage` after a successful payment: the method is attached to the customer (if it was not), and
    /// for `off_session` set up for payments without them.
    private func saveForLater(_ method: PaymentMethod, customerID: String, offSession: Bool) async throws {
        var saved = method
        if method.state == .unattached {
            saved = try await attach(method.id, param: "payment_method", to: customerID).method
            try await emit("payment_method.attached", saved.json, id: saved.id)
        }
        if offSession, !saved.setUpForOffSession {
            var setUp = saved
            setUp.setUpForOffSession = true
            try await PaymentMethodRows.update(setUp, from: saved, on: connection)
        }
    }

    /// `pi_<id>_secret_<24>` (or `seti_…`): no `_` inside either part, as the SDKs' pattern requires (research §0.1).
    func clientSecret(for id: String) -> String {
        id + "_secret_" + String(ledger.ids("s").dropFirst(2))
    }

    /// 400 for a confirmation without `return_url` of an intent whose automatic payment methods may redirect.
    static func returnURLRequired(_ noun: String, embedding intent: (name: String, object: JSONValue)) -> StripeError {
        var error = StripeError.invalid("return_url",
            "This \(noun) is configured to accept payment methods enabled in your Dashboard. Because some of these payment methods might redirect your customer off of your page, you must provide a `return_url`. If you don't want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.")
        error.embedded = [intent]
        return error
    }

    /// The `customer` an intent names exists in this account (or none is named).
    func requireCustomer(_ id: String?) async throws {
        if let id, try await reader.customer(id) == nil { throw StripeError.noSuch("customer", id, param: "customer") }
    }

    /// 400 `payment_intent_unexpected_state`, with the intent as it is embedded.
    static func unexpectedState(_ intent: PaymentIntent, param: String?, _ message: String) -> StripeError {
        var error = StripeError(type: .invalidRequest, code: "payment_intent_unexpected_state", message: message,
                                param: param)
        error.embedded = [("payment_intent", intent.json())]
        return error
    }
}
