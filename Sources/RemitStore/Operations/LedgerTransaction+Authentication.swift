import RemitCore
import RemitProcessor
import RemitSQL

/// 3-D Secure challenges of PaymentIntents and SetupIntents (research/payment-intents.md §1.4, §3). A confirmation
/// the issuer wants authenticated opens one (`payment_authentications`, at most one pending per intent) and leaves
/// the intent in `requires_action`; the customer's answer is a second transaction that re-checks both by
/// compare-and-set, then goes on (a charge, a saved card) or returns the intent to `requires_payment_method`.
///
/// A challenge moves pending → succeeded → used (by its charge), or pending → failed | canceled.
extension LedgerTransaction {
    /// How long a customer has to complete a challenge.
    public static let authenticationWindow: Int64 = 86_400

    /// What answering a challenge left, for the page that sends the customer back.
    public struct AuthenticationResult: Sendable {
        /// `payment_intent` or `setup_intent`: how the return URL names the intent.
        public var intentParameter: String
        public var intentID: String
        public var clientSecret: String
        public var returnURL: String?
        /// `redirect_status`: `succeeded` when the intent went on (paid, capturable, set up, or to be confirmed).
        public var succeeded: Bool
        /// The charge the answer made, if any.
        public var charge: Charge?
    }

    /// The customer's answer to a challenge (`succeeded` false: authentication failed or was refused).
    public func completeAuthentication(_ token: String, intentID: String, succeeded: Bool) async throws
        -> AuthenticationResult
    {
        if intentID.hasPrefix("seti_") {
            return try await completeSetupAuthentication(token, intentID: intentID, succeeded: succeeded)
        }
        return try await completePaymentAuthentication(token, intentID: intentID, succeeded: succeeded)
    }

    /// Claims a pending, unexpired challenge of an intent (locked by the caller) for its answer: pending → succeeded
    /// or failed, a compare-and-set. Returns its `return_url`.
    func claimChallenge(_ token: String, intentID: String, succeeded: Bool, intentWaits: Bool) async throws -> String? {
        guard let row = try await connection.queryFirst("""
            SELECT return_url, expires_at FROM payment_authentications
            WHERE id = \(token) AND intent_id = \(intentID) AND account_id = \(accountID) AND status = 'pending'
            \(sql: RowLock.forUpdate(connection))
            """), intentWaits, row.int("expires_at") > now
        else {
            throw StripeError.invalid("intent", "This authentication was already completed, abandoned or has expired.")
        }
        let changed = try await connection.execute("""
            UPDATE payment_authentications SET status = \(succeeded ? "succeeded" : "failed")
            WHERE id = \(token) AND status = 'pending'
            """)
        try RowLock.expectOneChanged(changed)
        return row.optionalString("return_url")
    }

    /// Opens a challenge for an intent; returns the `next_action` that leads the customer to it: `redirect_to_url`
    /// when there is a `return_url` (and the client does not handle it), else `use_stripe_sdk`.
    func openChallenge(intentID: String, returnURL: String?, useStripeSDK: Bool, baseURL: String?,
                       requestedBy requester: AuthenticationRequester, riskScore: Int64? = nil) async throws -> String
    {
        let token = ledger.ids("payatt")
        try await connection.execute("""
            INSERT INTO payment_authentications (id, account_id, livemode, intent_id, created, expires_at, return_url,
                status, requested_by, risk_score)
            VALUES (\(token), \(accountID), \(context.livemode), \(intentID), \(now), \(now + Self.authenticationWindow),
                \(returnURL), 'pending', \(requester.rawValue), \(riskScore))
            """)
        let url = (baseURL ?? "") + "/3ds/\(intentID)/\(token)"
        if let returnURL, !useStripeSDK {
            return JSONValue.object([
                ("redirect_to_url", .object([("return_url", .string(returnURL)), ("url", .string(url))])),
                ("type", .string("redirect_to_url")),
            ]).rendered()
        }
        return JSONValue.object([
            ("type", .string("use_stripe_sdk")),
            ("use_stripe_sdk", .object([
                ("source", .string(token)), ("stripe_js", .string(url)), ("type", .string("three_d_secure_redirect")),
            ])),
        ]).rendered()
    }

    /// A confirmation, a cancel or a new payment method ends any challenge still open for the intent.
    func abandonPendingAuthentication(of intentID: String) async throws {
        try await connection.execute("""
            UPDATE payment_authentications SET status = 'canceled'
            WHERE intent_id = \(intentID) AND account_id = \(accountID) AND status = 'pending'
            """)
    }

    /// Whether the customer completed a challenge that no charge has used yet (a manual confirmation after it).
    func hasUnusedAuthentication(of intentID: String) async throws -> Bool {
        try await connection.queryFirst("""
            SELECT id FROM payment_authentications
            WHERE intent_id = \(intentID) AND account_id = \(accountID) AND status = 'succeeded'
            """) != nil
    }

    /// The charge that follows a completed challenge uses it up.
    func useAuthentication(of intentID: String) async throws {
        try await connection.execute("""
            UPDATE payment_authentications SET status = 'used'
            WHERE intent_id = \(intentID) AND account_id = \(accountID) AND status = 'succeeded'
            """)
    }
}

/// What a pending challenge authenticates, for the hosted page.
public enum AuthenticationSubject: Sendable {
    case payment(PaymentIntent)
    case setup(SetupIntent)
}

extension LedgerReader {
    /// A pending, unexpired challenge's intent, or nil (unknown, answered, abandoned or expired).
    public func pendingAuthentication(_ token: String, intentID: String) async throws -> AuthenticationSubject? {
        guard try await connection.queryFirst("""
            SELECT id FROM payment_authentications
            WHERE id = \(token) AND intent_id = \(intentID) AND account_id = \(accountID) AND status = 'pending'
                AND expires_at > \(now)
            """) != nil else { return nil }
        if intentID.hasPrefix("seti_") {
            return try await SetupIntentRows.find(intentID, account: accountID, on: connection).map { .setup($0) }
        }
        return try await PaymentIntentRows.find(intentID, account: accountID, on: connection).map { .payment($0) }
    }
}
