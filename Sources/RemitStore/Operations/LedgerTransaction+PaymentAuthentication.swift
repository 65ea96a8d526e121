import RemitCore
import RemitProcessor
import RemitSQL

/// A PaymentIntent's side of a 3-D Secure challenge: opening it instead of charging, and the answer (a charge, a
/// return to `requires_confirmation` for `confirmation_method=manual`, or `requires_payment_method`).
extension LedgerTransaction {
    func completePaymentAuthentication(_ token: String, intentID: String, succeeded: Bool) async throws
        -> AuthenticationResult
    {
        let found = try await lockedRow(.paymentIntents, intentID, PaymentIntent.init(row:))
        let returnURL = try await claimChallenge(token, intentID: intentID, succeeded: succeeded,
                                                 intentWaits: found.status == .requiresAction)
        var intent = found
        intent.nextAction = nil
        func result(_ intent: PaymentIntent, succeeded: Bool, charge: Charge? = nil) -> AuthenticationResult {
            AuthenticationResult(intentParameter: "payment_intent", intentID: intent.id, clientSecret: intent.clientSecret,
                                 returnURL: returnURL, succeeded: succeeded, charge: charge)
        }
        guard succeeded, let methodID = intent.paymentMethodID else {
            var error = StripeError(
                type: .invalidRequest, code: "payment_intent_authentication_failure",
                message: "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.")
            error.embedded = try await paymentMethodEmbedding(intent.paymentMethodID)
            intent.status = .requiresPaymentMethod
            intent.paymentMethodID = nil
            intent.lastPaymentError = error.object.rendered()
            try await PaymentIntentRows.update(intent, from: found, on: connection)
            try await emit("payment_intent.payment_failed", intent.json(), id: intent.id)
            return result(intent, succeeded: false)
        }
        if intent.confirmationMethod == .manual {
            // The server confirms again; that confirmation uses this authentication.
            intent.status = .requiresConfirmation
            try await PaymentIntentRows.update(intent, from: found, on: connection)
            return result(intent, succeeded: true)
        }
        let method = try await usablePaymentMethod(methodID, customerID: intent.customerID, param: "payment_method")
        let outcome = try await charge(intent, from: found, method: method,
                                       authentication: AuthenticationContext(authenticated: true),
                                       signals: FraudSignals())
        return result(outcome.intent, succeeded: outcome.decline == nil, charge: outcome.charge)
    }

    /// Opens a challenge: the intent waits in `requires_action` with the `next_action` that leads to it.
    func requireAction(_ intent: PaymentIntent, from found: PaymentIntent, _ confirmation: PaymentIntentConfirmation,
                       requestedBy requester: AuthenticationRequester, riskScore: Int64? = nil)
        async throws -> PaymentIntentOutcome
    {
        var intent = intent
        intent.nextAction = try await openChallenge(
            intentID: intent.id, returnURL: confirmation.returnURL, useStripeSDK: confirmation.useStripeSDK,
            baseURL: confirmation.authenticationBaseURL, requestedBy: requester, riskScore: riskScore)
        intent.status = .requiresAction
        try await PaymentIntentRows.update(intent, from: found, on: connection)
        try await emit("payment_intent.requires_action", intent.json(), id: intent.id)
        return PaymentIntentOutcome(intent: intent)
    }

    /// `payment_method` of an error envelope (or `last_*_error`): the full PaymentMethod, when there is one.
    func paymentMethodEmbedding(_ id: String?) async throws -> [(name: String, object: JSONValue)] {
        guard let id, let method = try await PaymentMethodRows.find(id, account: accountID, on: connection) else {
            return []
        }
        return [("payment_method", method.json)]
    }
}
