import Hummingbird
import RemitCore
import RemitStore

/// `/v1/account/keys` (a Remit extension; Stripe rolls keys in its dashboard): a merchant's secret keys — list, roll
/// (a new key now, the old ones valid until an expiry the caller chooses, as Stripe's roll does), revoke. The
/// merchant's own key, or the platform key with `Stripe-Account`, may call them. The platform's own key is set by
/// `REMIT_ADMIN_KEY` or the data directory and is replaced there.
struct APIKeysController {
    let endpoint: Endpoint
    let cache: KeyCache

    func register(on router: Router<APIRequestContext>) {
        router.get("/v1/account/keys", use: list)
        router.post("/v1/account/keys/roll", use: roll)
        router.post("/v1/account/keys/:id/revoke", use: revoke)
    }

    static let notForThePlatform = StripeError(
        type: .invalidRequest,
        message: "The platform key is set by REMIT_ADMIN_KEY or the data directory's admin_key, not through the API. "
            + "Send Stripe-Account to manage a merchant's keys.")

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try Self.merchant(context)
        let reader = FormReader(try endpoint.queryForm(request))
        try reader.finish()
        let keys = try await endpoint.read(context) { ledger in try await ledger.keys() }
        return JSONResponse.ok(ListParameters.listObject(
            url: "/v1/account/keys", data: keys.map { $0.json(livemode: caller.livemode) }, hasMore: false))
    }

    @Sendable func roll(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try Self.merchant(context)
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        let expiresIn = try reader.int("expires_in") ?? APIKeyPolicy.rollExpiryDefaultSeconds
        guard (0...APIKeyPolicy.rollExpiryMaxSeconds).contains(expiresIn) else {
            throw StripeError.invalid("expires_in", "expires_in must be between 0 (now) and \(APIKeyPolicy.rollExpiryMaxSeconds) seconds.",
                                      code: "parameter_invalid_integer")
        }
        try reader.finish()
        let response = try await endpoint.write(request, context: context, form: form) { transaction in
            let (key, secret) = try await transaction.rollKeys(expiresIn: expiresIn)
            guard case .object(let fields) = key.json(livemode: caller.livemode) else { preconditionFailure() }
            // Shown once; a replay under the idempotency key shows the hint only (nothing secret is saved).
            return StoredResponse(status: 200, body: JSONValue.object(fields + [("secret", .string(secret))]).rendered(),
                                  replayBody: JSONValue.object(fields + [("secret", .null)]).rendered())
        }
        cache.removeAll()
        return response
    }

    @Sendable func revoke(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try Self.merchant(context)
        let id = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        try FormReader(form).finish()
        let response = try await endpoint.write(request, context: context, form: form) { transaction in
            StoredResponse(status: 200, body: try await transaction.revokeKey(id).json(livemode: caller.livemode).rendered())
        }
        cache.removeAll()
        return response
    }

    /// The caller, if it acts for a merchant.
    static func merchant(_ context: APIRequestContext) throws -> Caller {
        let caller = try context.requireCaller()
        guard !caller.isPlatform else { throw notForThePlatform }
        return caller
    }
}
