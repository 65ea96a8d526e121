import RemitCore
import RemitProcessor
import RemitSQL

/// SetupIntents (research/payment-intents.md §4): a card is checked (and authenticated when its issuer asks), then
/// attached to the customer and, for `usage=off_session`, set up for payments without them. No money moves. The
/// intent's status moves by a compare-and-set on the status and confirmation count it was read in.
extension LedgerTransaction {
    public func createSetupIntent(_ creation: SetupIntentCreation) async throws -> SetupIntentOutcome {
        try await requireCustomer(creation.customerID)
        let id = ledger.ids("seti")
        var intent = SetupIntent(id: id, accountID: accountID, created: now, status: .requiresPaymentMethod,
                                 clientSecret: clientSecret(for: id),
                                 usage: creation.usage, livemode: context.livemode)
        intent.customerID = creation.customerID
        intent.automaticPaymentMethodsAllowRedirects = creation.automaticAllowRedirects
        intent.description = creation.description
        intent.metadata = creation.metadata
        intent.requestThreeDSecure = creation.requestThreeDSecure ?? .automatic
        if let reference = creation.paymentMethod {
            intent.paymentMethodID = try await usablePaymentMethod(reference, customerID: intent.customerID,
                                                                   param: "payment_method").id
            intent.status = .requiresConfirmation
        }
        try await SetupIntentRows.insert(intent, on: connection)
        try await emit("setup_intent.created", intent.json(), id: intent.id)
        guard let confirmation = creation.confirmation else { return SetupIntentOutcome(intent: intent) }
        return try await confirm(intent, confirmation)
    }

    public func confirmSetupIntent(_ id: String, _ confirmation: SetupIntentConfirmation) async throws
        -> SetupIntentOutcome
    {
        try await confirm(try await lockedRow(.setupIntents, id, SetupIntent.init(row:)), confirmation)
    }

    public func updateSetupIntent(_ id: String, _ update: SetupIntentUpdate) async throws -> SetupIntent {
        let found = try await lockedRow(.setupIntents, id, SetupIntent.init(row:))
        guard !found.status.isFinal else {
            throw Self.unexpectedState(found, "You cannot update this SetupIntent because it has a status of \(found.status.rawValue).")
        }
        var intent = found
        if let customerID = update.customerID, customerID != intent.customerID {
            try await requireCustomer(customerID)
            intent.customerID = customerID
        }
        if let reference = update.paymentMethod {
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
        if let text = update.description { intent.description = text.isEmpty ? nil : text }
        if let metadata = update.metadata { intent.metadata = try metadata.applied(to: intent.metadata) }
        if let request = update.requestThreeDSecure { intent.requestThreeDSecure = request }
        guard intent != found else { return intent }
        try await SetupIntentRows.update(intent, from: found, on: connection)
        return intent
    }

    /// `POST …/cancel`: only while it waits (`requires_payment_method`, `requires_confirmation`, `requires_action`).
    public func cancelSetupIntent(_ id: String, reason: String?) async throws -> SetupIntent {
        let found = try await lockedRow(.setupIntents, id, SetupIntent.init(row:))
        guard found.status.acceptsConfirmation else {
            throw Self.unexpectedState(found,
                "You cannot cancel this SetupIntent because it has a status of \(found.status.rawValue). Only a SetupIntent with one of the following statuses may be canceled: requires_payment_method, requires_confirmation, requires_action.")
        }
        try await abandonPendingAuthentication(of: found.id)
        var intent = found
        intent.status = .canceled
        intent.cancellationReason = reason
        intent.nextAction = nil
        try await SetupIntentRows.update(intent, from: found, on: connection)
        try await emit("setup_intent.canceled", intent.json(), id: intent.id)
        return intent
    }

    private func confirm(_ found: SetupIntent, _ confirmation: SetupIntentConfirmation) async throws
        -> SetupIntentOutcome
    {
        guard found.status.acceptsConfirmation else {
            let message = found.status == .succeeded
                ? "You cannot confirm this SetupIntent because it has already succeeded."
                : "You cannot confirm this SetupIntent because it has a status of \(found.status.rawValue). Only a SetupIntent with one of the following statuses may be confirmed: requires_confirmation, requires_payment_method, requires_action."
            throw Self.unexpectedState(found, message)
        }
        var intent = found
        if let reference = confirmation.paymentMethod {
            intent.paymentMethodID = try await usablePaymentMethod(reference, customerID: intent.customerID,
                                                                   param: "payment_method").id
        }
        guard let methodID = intent.paymentMethodID,
              let method = try await PaymentMethodRows.find(methodID, account: accountID, on: connection)
        else {
            throw Self.unexpectedState(found,
                "You cannot confirm this SetupIntent because it's missing a payment method. You can either update the SetupIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.")
        }
        if intent.automaticPaymentMethodsAllowRedirects == "always", confirmation.returnURL == nil {
            throw Self.returnURLRequired("SetupIntent", embedding: ("setup_intent", found.json()))
        }
        if let request = confirmation.requestThreeDSecure { intent.requestThreeDSecure = request }
        intent.confirmations += 1
        guard intent.confirmations <= PaymentIntent.confirmationsMax else {
            throw Self.unexpectedState(found,
                "This SetupIntent has been confirmed \(PaymentIntent.confirmationsMax) times, the most one SetupIntent may be. Create a new SetupIntent.")
        }
        try await abandonPendingAuthentication(of: intent.id)
        let card = ledger.processor.resolve(saved: method.savedCard)
        let authentication = AuthenticationContext(setUpForOffSession: method.setUpForOffSession,
                                                   requested: intent.requestThreeDSecure.asksForAuthentication)
        if card.threeDSecure.requiresAuthentication(authentication) {
            intent.nextAction = try await openChallenge(
                intentID: intent.id, returnURL: confirmation.returnURL, useStripeSDK: confirmation.useStripeSDK,
                baseURL: confirmation.authenticationBaseURL,
                requestedBy: card.threeDSecure == .optional ? .merchant : .issuer)
            intent.status = .requiresAction
            try await SetupIntentRows.update(intent, from: found, on: connection)
            try await emit("setup_intent.requires_action", intent.json(), id: intent.id)
            return SetupIntentOutcome(intent: intent)
        }
        return try await finishSetup(intent, from: found, method: method)
    }

    /// The card's check, then the saved card: attached to the customer, set up for off-session use when asked.
    private func finishSetup(_ intent: SetupIntent, from found: SetupIntent, method: PaymentMethod) async throws
        -> SetupIntentOutcome
    {
        var intent = intent
        intent.nextAction = nil
        let card = ledger.processor.resolve(saved: method.savedCard)
        if case .declined(let code, let declineCode, let message) = await ledger.processor.checkCard(card) {
            var error = StripeError(type: .card, code: code, message: message, declineCode: declineCode)
            error.embedded = [("payment_method", method.json)]
            return try await failSetup(intent, from: found, error: error)
        }
        var saved = method
        if let customerID = intent.customerID, method.state == .unattached {
            saved = try await attach(method.id, param: "payment_method", to: customerID).method
            try await emit("payment_method.attached", saved.json, id: saved.id)
        }
        if intent.usage == "off_session", !saved.setUpForOffSession {
            var setUp = saved
            setUp.setUpForOffSession = true
            try await PaymentMethodRows.update(setUp, from: saved, on: connection)
        }
        intent.status = .succeeded
        intent.lastSetupError = nil
        try await SetupIntentRows.update(intent, from: found, on: connection)
        try await emit("setup_intent.succeeded", intent.json(), id: intent.id)
        return SetupIntentOutcome(intent: intent)
    }

    /// The attempt failed: the intent waits for another payment method, the error kept as `last_setup_error`.
    private func failSetup(_ intent: SetupIntent, from found: SetupIntent, error: StripeError) async throws
        -> SetupIntentOutcome
    {
        var intent = intent
        var answer = error
        intent.status = .requiresPaymentMethod
        intent.paymentMethodID = nil
        intent.nextAction = nil
        intent.lastSetupError = error.object.rendered()
        try await SetupIntentRows.update(intent, from: found, on: connection)
        try await emit("setup_intent.setup_failed", intent.json(), id: intent.id)
        answer.embedded.insert(("setup_intent", intent.json()), at: 0)
        return SetupIntentOutcome(intent: intent, decline: answer)
    }

    func completeSetupAuthentication(_ token: String, intentID: String, succeeded: Bool) async throws
        -> AuthenticationResult
    {
        let found = try await lockedRow(.setupIntents, intentID, SetupIntent.init(row:))
        let returnURL = try await claimChallenge(token, intentID: intentID, succeeded: succeeded,
                                                 intentWaits: found.status == .requiresAction)
        let outcome: SetupIntentOutcome
        if succeeded, let methodID = found.paymentMethodID,
           let method = try await PaymentMethodRows.find(methodID, account: accountID, on: connection) {
            try await useAuthentication(of: intentID)
            outcome = try await finishSetup(found, from: found, method: method)
        } else {
            var error = StripeError(
                type: .invalidRequest, code: "setup_intent_authentication_failure",
                message: "The latest attempt to set up the payment method has failed because authentication failed.")
            error.embedded = try await paymentMethodEmbedding(found.paymentMethodID)
            outcome = try await failSetup(found, from: found, error: error)
        }
        return AuthenticationResult(intentParameter: "setup_intent", intentID: intentID,
                                    clientSecret: found.clientSecret, returnURL: returnURL,
                                    succeeded: outcome.decline == nil, charge: nil)
    }

    /// 400 `setup_intent_unexpected_state`, with the intent as it is embedded.
    static func unexpectedState(_ intent: SetupIntent, _ message: String) -> StripeError {
        var error = StripeError(type: .invalidRequest, code: "setup_intent_unexpected_state", message: message)
        error.embedded = [("setup_intent", intent.json())]
        return error
    }
}
