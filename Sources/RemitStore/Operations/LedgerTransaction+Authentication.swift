import RemitCore
import RemitProcessor
import RemitSQL

/// 3-D Secure challenges of PaymentIntents (research/payment-intents.md §1.4, §3). A confirmation the issuer wants
/// authenticated opens one (`payment_authentications`, at most one pending per intent) and leaves the intent in
/// `requires_action`; completing it is a second transaction that re-checks both by compare-and-set, then charges
/// (or, for `confirmation_method=manual`, waits for the server's confirmation); failing it returns the intent to
/// `requires_payment_method` with no charge.
///
/// A challenge moves pending → succeeded → used (its charge), or pending → failed | canceled.
extension LedgerTransaction {
    /// How long a customer has to complete a challenge.
    public static let authenticationWindow: Int64 = 86_400

    /// What completing a challenge left: the intent and where to send the customer back.
    public struct AuthenticationResult: Sendable {
        public var outcome: PaymentIntentOutcome
        public var returnURL: String?
        /// `redirect_status`: `succeeded` when the intent went on (succeeded, capturable or to be confirmed).
        public var succeeded: Bool
    }

    /// The customer's answer to a challenge (`succeeded` false: authentication failed or was refused).
    public func completeAuthentication(_ token: String, intentID: String, succeeded: Bool) async throws
        -> AuthenticationResult
    {
        let found = try await lockedRow(.paymentIntents, intentID, PaymentIntent.init(row:))
        guard let row = try await connection.queryFirst("""
            SELECT return_url, expires_at FROM payment_authentications
            WHERE id = \(token) AND payment_intent_id = \(intentID) AND account_id = \(accountID) AND status = 'pending'
            \(sql: RowLock.forUpdate(connection))
            """), found.status == .requiresAction, row.int("expires_at") > now
        else {
            throw StripeError.invalid("payment_intent", "This authentication was already completed, abandoned or has expired.")
        }
        let changed = try await connection.execute("""
            UPDATE payment_authentications SET status = \(succeeded ? "succeeded" : "failed")
            WHERE id = \(token) AND status = 'pending'
            """)
        try RowLock.expectOneChanged(changed)
        let returnURL = row.optionalString("return_url")
        var intent = found
        intent.nextAction = nil
        guard succeeded, let methodID = intent.paymentMethodID else {
            var error = StripeError(
                type: .invalidRequest, code: "payment_intent_authentication_failure",
                message: "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.")
            if let methodID = intent.paymentMethodID,
               let method = try await PaymentMethodRows.find(methodID, account: accountID, on: connection) {
                error.embedded = [("payment_method", method.json)]
            }
            intent.status = .requiresPaymentMethod
            intent.paymentMethodID = nil
            intent.lastPaymentError = error.object.rendered()
            try await PaymentIntentRows.update(intent, from: found, on: connection)
            try await emit("payment_intent.payment_failed", intent.json(), id: intent.id)
            return AuthenticationResult(outcome: PaymentIntentOutcome(intent: intent), returnURL: returnURL, succeeded: false)
        }
        if intent.confirmationMethod == .manual {
            // The server confirms again; that confirmation uses this authentication.
            intent.status = .requiresConfirmation
            try await PaymentIntentRows.update(intent, from: found, on: connection)
            return AuthenticationResult(outcome: PaymentIntentOutcome(intent: intent), returnURL: returnURL, succeeded: true)
        }
        let outcome = try await charge(intent, from: found, methodID: methodID,
                                       authentication: AuthenticationContext(authenticated: true),
                                       signals: FraudSignals())
        return AuthenticationResult(outcome: outcome, returnURL: returnURL, succeeded: outcome.decline == nil)
    }

    /// Opens a challenge: the intent waits in `requires_action` with the `next_action` that leads to it.
    func requireAction(_ intent: PaymentIntent, from found: PaymentIntent, _ confirmation: PaymentIntentConfirmation)
        async throws -> PaymentIntentOutcome
    {
        var intent = intent
        let token = ledger.ids("payatt")
        try await connection.execute("""
            INSERT INTO payment_authentications (id, account_id, payment_intent_id, created, expires_at, return_url,
                status)
            VALUES (\(token), \(accountID), \(intent.id), \(now), \(now + Self.authenticationWindow),
                \(confirmation.returnURL), 'pending')
            """)
        let url = (confirmation.authenticationBaseURL ?? "") + "/3ds/\(intent.id)/\(token)"
        let nextAction: JSONValue
        if let returnURL = confirmation.returnURL, !confirmation.useStripeSDK {
            nextAction = .object([
                ("redirect_to_url", .object([("return_url", .string(returnURL)), ("url", .string(url))])),
                ("type", .string("redirect_to_url")),
            ])
        } else {
            nextAction = .object([
                ("type", .string("use_stripe_sdk")),
                ("use_stripe_sdk", .object([
                    ("source", .string(token)), ("stripe_js", .string(url)),
                    ("type", .string("three_d_secure_redirect")),
                ])),
            ])
        }
        intent.status = .requiresAction
        intent.nextAction = nextAction.rendered()
        try await PaymentIntentRows.update(intent, from: found, on: connection)
        try await emit("payment_intent.requires_action", intent.json(), id: intent.id)
        return PaymentIntentOutcome(intent: intent)
    }

    /// A confirmation, a cancel or a new payment method ends any challenge still open for the intent.
    func abandonPendingAuthentication(of intentID: String) async throws {
        try await connection.execute("""
            UPDATE payment_authentications SET status = 'canceled'
            WHERE payment_intent_id = \(intentID) AND account_id = \(accountID) AND status = 'pending'
            """)
    }

    /// Whether the customer completed a challenge that no charge has used yet (a manual confirmation after it).
    func hasUnusedAuthentication(of intentID: String) async throws -> Bool {
        try await connection.queryFirst("""
            SELECT id FROM payment_authentications
            WHERE payment_intent_id = \(intentID) AND account_id = \(accountID) AND status = 'succeeded'
            """) != nil
    }

    /// The charge that follows a completed challenge uses it up.
    func useAuthentication(of intentID: String) async throws {
        try await connection.execute("""
            UPDATE payment_authentications SET status = 'used'
            WHERE payment_intent_id = \(intentID) AND account_id = \(accountID) AND status = 'succeeded'
            """)
    }
}

extension LedgerReader {
    /// A pending challenge, for the hosted page: the intent it authenticates, or nil when there is none (unknown,
    /// completed, abandoned or expired).
    public func pendingAuthentication(_ token: String, intentID: String) async throws -> PaymentIntent? {
        guard try await connection.queryFirst("""
            SELECT id FROM payment_authentications
            WHERE id = \(token) AND payment_intent_id = \(intentID) AND account_id = \(accountID) AND status = 'pending'
                AND expires_at > \(now)
            """) != nil else { return nil }
        return try await PaymentIntentRows.find(intentID, account: accountID, on: connection)
    }
}
