/// Who asks, and under which request: carried into events (`request.id`, `request.idempotency_key`).
public struct OperationContext: Sendable {
    public var accountID: String
    public var livemode: Bool
    public var requestID: String
    public var idempotencyKey: String?

    public init(accountID: String, livemode: Bool = false, requestID: String, idempotencyKey: String? = nil) {
        self.accountID = accountID
        self.livemode = livemode
        self.requestID = requestID
        self.idempotencyKey = idempotencyKey
    }
}

/// A response as the API sends it and the idempotency layer saves it.
public struct StoredResponse: Sendable, Equatable {
    public var status: Int
    public var body: String

    public init(status: Int, body: String) {
        self.status = status
        self.body = body
    }
}
