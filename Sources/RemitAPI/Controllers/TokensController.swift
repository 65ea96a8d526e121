import Hummingbird
import RemitCore
import RemitStore

/// `/v1/tokens`: create a card token, retrieve one. A stored token is single use (`token_already_used`).
struct TokensController {
    let endpoint: Endpoint
    static let cardFields = ["name", "address_line1", "address_line2", "address_city", "address_state", "address_zip",
                             "address_country", "currency"]
    static let textLengthMax = 500

    func register(on router: Router<APIRequestContext>) {
        router.post("/v1/tokens", use: create)
        router.get("/v1/tokens/:id", use: retrieve)
    }

    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        guard var card = try reader.hash("card"), !card.form.isEmpty else { throw StripeError.missing("card") }
        let details = try CardDetailsForm.read(&card)
        var name: String?
        for field in Self.cardFields {
            let value = try card.string(field, maxLength: Self.textLengthMax)
            if field == "name" { name = value.nonEmpty }
        }
        try card.finish()
        _ = try reader.array("expand")
        try reader.finish()
        let cardholder = name
        return try await endpoint.write(request, context: context, form: form) { transaction in
            let token = try await transaction.createToken(card: details, cardholderName: cardholder, clientIP: nil)
            return StoredResponse(status: 200, body: token.json.rendered())
        }
    }

    @Sendable func retrieve(_ request: Request, context: APIRequestContext) async throws -> Response {
        try await endpoint.retrieve(request, context, object: "token",
                                    find: { ledger, id in try await ledger.token(id) }) { token, _, _ in token.json }
    }
}
