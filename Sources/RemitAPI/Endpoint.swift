import Crypto
import HTTPTypes
import Hummingbird
import RemitCore
import RemitSQL
import RemitStore

/// Shared plumbing of every endpoint: reading parameters, running writes under idempotency, answering.
struct Endpoint: Sendable {
    let ledger: Ledger

    /// The body of a POST, form-decoded from its bytes (at most ``APILimits/bodyBytesMax``; a larger declared
    /// length is refused by the middleware before any of it is read).
    func bodyForm(_ request: Request, context: APIRequestContext) async throws -> Form {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        return try Form.parse(bytes: buffer.readableBytesView)
    }

    /// The query string of a GET or DELETE, form-decoded.
    func queryForm(_ request: Request) throws -> Form {
        guard let query = request.uri.query, !query.isEmpty else { return Form() }
        return try Form.parse(query[...])
    }

    /// The expansions of a request whose query may carry only `expand` (retrieve endpoints).
    /// - Parameter allowed: the expandable fields; nil accepts `expand` and expands nothing.
    func expandOnly(_ request: Request, allowed: Set<String>?) throws -> Expansions {
        var reader = FormReader(try queryForm(request))
        let paths = try reader.array("expand")
        try reader.finish()
        guard let allowed else { return .none }
        return try Expansions(paths, allowed: allowed)
    }

    /// Runs a write: under the request's `Idempotency-Key` when it has one; the saved or fresh response
    /// is answered with `Idempotent-Replayed` when replayed.
    func write(
        _ request: Request, context: APIRequestContext, form: Form,
        _ body: @Sendable @escaping (LedgerTransaction) async throws -> StoredResponse
    ) async throws -> Response {
        let caller = try context.requireCaller()
        // Idempotency keys apply to POST; on DELETE Stripe documents that they have no effect.
        let key = request.method == .post ? request.headers[.idempotencyKey].flatMap { $0.isEmpty ? nil : $0 } : nil
        if let key, key.count > IdempotencyRequest.keyLengthMax {
            throw StripeError.invalid("Idempotency-Key", "Idempotency keys can be at most \(IdempotencyRequest.keyLengthMax) characters long.")
        }
        let idempotency = key.map {
            IdempotencyRequest(key: $0, fingerprint: Self.fingerprint(request, form: form))
        }
        let operation = OperationContext(accountID: caller.accountID, livemode: caller.livemode,
                                         requestID: context.requestID, idempotencyKey: key,
                                         apiVersion: caller.accountAPIVersion)
        let outcome = try await ledger.perform(operation, idempotency: idempotency, body)
        var headers: HTTPFields = [:]
        if let key { headers[.idempotencyKey] = key }
        switch outcome {
        case .executed(let response):
            return JSONResponse.make(status: response.status, body: response.body, headers: headers)
        case .replayed(let response):
            headers[.idempotentReplayed] = "true"
            return JSONResponse.make(status: response.status, body: response.body, headers: headers)
        }
    }

    /// Reads for the caller's account.
    func read<T: Sendable>(_ context: APIRequestContext, _ body: @Sendable @escaping (LedgerReader) async throws -> T)
        async throws -> T
    {
        let caller = try context.requireCaller()
        return try await ledger.reading(accountID: caller.accountID, body)
    }

    static func fingerprint(_ request: Request, form: Form) -> String {
        let text = "\(request.method.rawValue) \(request.uri.path)\n\(form.canonicalText)"
        return Hex.encode(SHA256.hash(data: Array(text.utf8)))
    }
}

