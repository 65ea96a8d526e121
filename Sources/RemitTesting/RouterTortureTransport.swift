import RemitBench

/// The ledger torture's requests sent through the router (no socket), as the Swift suite runs it.
public struct RouterTortureTransport: TortureTransport {
    let client: APITestClient

    public init(_ client: APITestClient) { self.client = client }

    public func send(_ request: TortureRequest) async throws -> TortureResponse {
        let result: APIResult
        switch request.method {
        case .post:
            result = try await client.post(request.path, request.parameters, key: request.key,
                                           idempotencyKey: request.idempotencyKey)
        case .get:
            result = try await client.get(request.path, request.parameters, key: request.key)
        }
        return TortureResponse(status: result.status, body: result.body,
                               replayed: result.header("Idempotent-Replayed") == "true")
    }
}
