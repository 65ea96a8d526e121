import Hummingbird
import RemitCore
import RemitStore

/// `/v1/customers/{id}/sources`: a customer's card sources (research/payment-intents.md §6), answered as Card
/// objects: add one from a token (`source=tok_…`), retrieve, update (name, address, expiry, metadata), delete, list.
struct CustomerSourcesController {
    let endpoint: Endpoint
    static let idLengthMax = 255

    func register(on router: Router<APIRequestContext>) {
        router.post("/v1/customers/:id/sources", use: create)
        router.get("/v1/customers/:id/sources", use: list)
        router.get("/v1/customers/:id/sources/:source", use: retrieve)
        router.post("/v1/customers/:id/sources/:source", use: update)
        router.delete("/v1/customers/:id/sources/:source", use: delete)
    }

    /// The card fields an update may change: `address_*` map to the address's own keys.
    static let addressParameters = [
        ("address_city", "city"), ("address_country", "country"), ("address_line1", "line1"),
        ("address_line2", "line2"), ("address_state", "state"), ("address_zip", "postal_code"),
    ]

    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let customerID = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        guard let source = try reader.string("source", maxLength: Self.idLengthMax).nonEmpty else {
            throw StripeError.missing("source")
        }
        let metadata = try ChargesController.newMetadata(&reader)
        _ = try reader.string("validate", maxLength: 10)
        _ = try reader.array("expand")
        try reader.finish()
        return try await endpoint.write(request, context: context, form: form) { transaction in
            let card = try await transaction.createCustomerSource(customerID: customerID, source: source, metadata: metadata)
            return StoredResponse(status: 200, body: card.cardSourceJSON.rendered())
        }
    }

    @Sendable func retrieve(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (customerID, id) = (try context.parameters.require("id"), try context.parameters.require("source"))
        _ = try endpoint.expandOnly(request, allowed: nil)
        return JSONResponse.ok(try await endpoint.read(context) { ledger in
            try await Self.source(customerID: customerID, id: id, ledger).cardSourceJSON
        })
    }

    @Sendable func update(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (customerID, id) = (try context.parameters.require("id"), try context.parameters.require("source"))
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        var update = CardSourceUpdate()
        update.name = try reader.string("name", maxLength: 256)
        update.expMonth = try reader.int("exp_month")
        update.expYear = try reader.int("exp_year")
        for (parameter, key) in Self.addressParameters {
            if let value = try reader.string(parameter, maxLength: 256) { update.address[key] = value }
        }
        update.metadata = try reader.metadata()
        _ = try reader.array("expand")
        try reader.finish()
        let fields = update
        return try await endpoint.write(request, context: context, form: form) { transaction in
            let card = try await transaction.updateCustomerSource(customerID: customerID, id: id, fields)
            return StoredResponse(status: 200, body: card.cardSourceJSON.rendered())
        }
    }

    @Sendable func delete(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (customerID, id) = (try context.parameters.require("id"), try context.parameters.require("source"))
        return try await endpoint.write(request, context: context, form: Form()) { transaction in
            let card = try await transaction.deleteCustomerSource(customerID: customerID, id: id)
            let deleted = JSONValue.object([
                ("id", .string(card.id)), ("object", .string("card")), ("customer", .string(customerID)),
                ("deleted", .bool(true)),
            ])
            return StoredResponse(status: 200, body: deleted.rendered())
        }
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        let customerID = try context.parameters.require("id")
        guard try await endpoint.read(context, { ledger in try await ledger.customer(customerID) != nil }) else {
            throw StripeError.noSuch("customer", customerID)
        }
        return try await endpoint.list(request, context, .paymentMethods, url: "/v1/customers/\(customerID)/sources",
                                       filters: { reader, query in
            query.filter("customer_id", equals: customerID)
            query.filter("object", equals: "card")
            // Only cards are sources here: another object lists nothing.
            if let object = try reader.string("object", maxLength: 50), object != "card" {
                query.filter("type", equals: object)
            }
        }) { row, _, _ in PaymentMethod(row: row).cardSourceJSON }
    }

    /// One of the customer's card sources, or Stripe's 404.
    static func source(customerID: String, id: String, _ ledger: LedgerReader) async throws -> PaymentMethod {
        guard try await ledger.customer(customerID) != nil else { throw StripeError.noSuch("customer", customerID) }
        guard let card = try await ledger.paymentMethod(id), card.isCardSource, card.customerID == customerID else {
            throw StripeError.noSuch("source", id)
        }
        return card
    }
}
