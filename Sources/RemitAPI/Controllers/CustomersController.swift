import Hummingbird
import RemitCore
import RemitStore

/// `/v1/customers`: create, retrieve, update, delete, list (`email` filter).
struct CustomersController {
    let endpoint: Endpoint

    func register(on router: Router<APIRequestContext>) {
        router.post("/v1/customers", use: create)
        router.get("/v1/customers", use: list)
        router.get("/v1/customers/:id", use: retrieve)
        router.post("/v1/customers/:id", use: update)
        router.delete("/v1/customers/:id", use: delete)
    }

    static let addressFields: Set<String> = ["city", "country", "line1", "line2", "postal_code", "state"]

    static func fields(_ reader: inout FormReader) throws(StripeError) -> CustomerFields {
        var fields = CustomerFields()
        fields.email = try reader.string("email", maxLength: 512)
        fields.name = try reader.string("name", maxLength: 256)
        fields.description = try reader.string("description", maxLength: 350)
        fields.phone = try reader.string("phone", maxLength: 20)
        fields.address = try reader.stringHash("address", allowed: addressFields)
        fields.metadata = try reader.metadata()
        fields.paymentMethodToAttach = try reader.string("payment_method", maxLength: 255).nonEmpty
        if var settings = try reader.hash("invoice_settings") {
            if let method = try settings.string("default_payment_method", maxLength: 255) {
                fields.defaultPaymentMethod = method
            }
            try settings.finish()
        }
        fields.source = try reader.string("source", maxLength: 255).nonEmpty
        _ = try reader.string("tax_exempt", maxLength: 10)
        _ = try reader.array("preferred_locales")
        return fields
    }

    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        let fields = try Self.fields(&reader)
        _ = try reader.array("expand")
        try reader.finish()
        return try await endpoint.write(request, context: context, form: form) { transaction in
            StoredResponse(status: 200, body: try await transaction.createCustomer(fields).json.rendered())
        }
    }

    @Sendable func retrieve(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        _ = try endpoint.expandOnly(request, allowed: nil)
        return JSONResponse.ok(try await endpoint.read(context) { ledger in
            guard let json = try await Self.render(id: id, ledger) else { throw StripeError.noSuch("customer", id) }
            return json
        })
    }

    /// A customer's JSON, or the deleted stub for a deleted one, or nil.
    static func render(id: String, _ ledger: LedgerReader) async throws -> JSONValue? {
        if let customer = try await ledger.customer(id) { return customer.json }
        if try await ledger.isDeleted(id, object: "customer") {
            return Customer(id: id, accountID: ledger.accountID, created: 0, deleted: true).json
        }
        return nil
    }

    @Sendable func update(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        var fields = try Self.fields(&reader)
        fields.defaultSource = try reader.string("default_source", maxLength: 255).nonEmpty
        _ = try reader.array("expand")
        try reader.finish()
        let update = fields
        return try await endpoint.write(request, context: context, form: form) { transaction in
            StoredResponse(status: 200, body: try await transaction.updateCustomer(id, update).json.rendered())
        }
    }

    @Sendable func delete(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        return try await endpoint.write(request, context: context, form: Form()) { transaction in
            StoredResponse(status: 200, body: try await transaction.deleteCustomer(id).json.rendered())
        }
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        return try await endpoint.list(request, context, .customers, url: "/v1/customers", filters: { reader, query in
            if let email = try reader.string("email", maxLength: 512) { query.filter("email", equals: email) }
        }) { row, _, _ in Customer(row: row).json }
    }
}
