import Hummingbird
import RemitCore
import RemitStore

/// `/v1/accounts` (platform key only) and `/v1/account` (the caller's own account).
///
/// `POST /v1/accounts` returns the Account plus, this once, the extension field `secret_key`:
/// the new merchant's `sk_test_…` key, and `publishable_key` (`pk_test_…`, for the browser). Stripe has no such field; Remit documents it. A replay of the request under
/// its idempotency key shows only the key's hint (`sk_test_****abcd`).
struct AccountsController {
    let endpoint: Endpoint
    let ledger: Ledger

    func register(on router: Router<APIRequestContext>) {
        router.post("/v1/accounts", use: create)
        router.get("/v1/accounts", use: list)
        router.get("/v1/accounts/:id", use: retrieve)
        router.get("/v1/account", use: current)
    }

    static let profileFields: Set<String> = [
        "mcc", "name", "product_description", "support_email", "support_phone", "support_url", "url",
    ]

    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        guard caller.isPlatform else { throw APIErrors.platformOnly("POST /v1/accounts") }
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        var account = AccountRequest()
        account.type = try reader.choice("type", AccountRequest.types) ?? "standard"
        if let country = try reader.string("country", maxLength: 2) {
            guard country.count == 2, country.allSatisfy(\.isLetter) else {
                throw StripeError.invalid("country", "Invalid country: \(country) (two-letter ISO code expected)")
            }
            account.country = country.uppercased()
        }
        account.email = try reader.string("email", maxLength: 512).flatMap { $0.isEmpty ? nil : $0 }
        if reader.form["default_currency"] != nil { account.defaultCurrency = try reader.currency("default_currency") }
        account.businessProfile = try reader.stringHash("business_profile", allowed: Self.profileFields)
            .flatMap { $0.isEmpty ? nil : $0 } ?? "{}"
        account.metadata = try ChargesController.newMetadata(&reader)
        for ignored in ["business_type", "controller", "capabilities", "tos_acceptance", "settings", "company",
                        "individual", "external_account"] {
            reader.accept(ignored)
        }
        _ = try reader.array("expand")
        try reader.finish()
        let accountRequest = account
        return try await endpoint.write(request, context: context, form: form) { transaction in
            let (created, key, publishable) = try await transaction.createAccount(accountRequest)
            guard case .object(let fields) = created.json else { preconditionFailure("account JSON is an object") }
            // A replay under the same idempotency key answers the account with the key's hint: the saved response
            // never holds the secret (roll the account's keys to get a usable one). The publishable key is public.
            let shown = fields + [("publishable_key", .string(publishable))]
            return StoredResponse(status: 200, body: JSONValue.object(shown + [("secret_key", .string(key))]).rendered(),
                                  replayBody: JSONValue.object(shown + [("secret_key", .string(SecretKey.hint(key)))]).rendered())
        }
    }

    @Sendable func retrieve(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try context.parameters.require("id")
        guard caller.isPlatform || caller.accountID == id, let account = try await ledger.accountRecord(id) else {
            throw StripeError.noSuch("account", id)
        }
        return JSONResponse.ok(account.json)
    }

    @Sendable func current(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        guard let account = try await ledger.accountRecord(caller.accountID) else {
            throw StripeError.noSuch("account", caller.accountID)
        }
        return JSONResponse.ok(account.json)
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        guard caller.isPlatform else { throw APIErrors.platformOnly("GET /v1/accounts") }
        return try await endpoint.list(request, context, .accounts, url: "/v1/accounts") { row, _, _ in Account(row: row).json }
    }
}
