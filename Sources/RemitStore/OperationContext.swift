/// Who asks, and under which request: carried into events (`request.id`, `request.idempotency_key`).
public struct OperationContext: Sendable {
    public var accountID: String
    public var livemode: Bool
    public var requestID: String
    public var idempotencyKey: String?
    /// The account's pinned Stripe API version, which its events are stamped with (nil: the ledger's).
    public var apiVersion: String?

    public init(accountID: String, livemode: Bool = false, requestID: String, idempotencyKey: String? = nil,
                apiVersion: String? = nil) {
        self.accountID = accountID
        self.livemode = livemode
        self.requestID = requestID
        self.idempotencyKey = idempotencyKey
        self.apiVersion = apiVersion
    }
}

/// A response as the API sends it and the idempotency layer saves it.
public struct StoredResponse: Sendable, Equatable {
    public var status: Int
    public var body: String
    /// What a replay answers instead of `body`, when `body` holds a secret shown only once (a new account's
    /// `secret_key`): the saved response must not put the secret in the database.
    public var replayBody: String?

    public init(status: Int, body: String, replayBody: String? = nil) {
        self.status = status
        self.body = body
        self.replayBody = replayBody
    }
}
