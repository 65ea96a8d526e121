import Hummingbird
import RemitCore
import RemitProcessor
import RemitSQL
import RemitStore

/// `/v1/payment_methods` (create, retrieve, update, list, attach, detach) and a customer's PaymentMethods
/// (`/v1/customers/{customer}/payment_methods`). Cards only: every other `type` is refused by name.
struct PaymentMethodsController {
    let endpoint: Endpoint

    func register(on router: Router<APIRequestContext>) {
        router.post("/v1/payment_methods", use: create)
        router.get("/v1/payment_methods", use: list)
        router.get("/v1/payment_methods/:id", use: retrieve)
        router.post("/v1/payment_methods/:id", use: update)
        router.post("/v1/payment_methods/:id/attach", use: attach)
        router.post("/v1/payment_methods/:id/detach", use: detach)
        // The customer is `:id`, as in every `/v1/customers/{id}` route (the router needs one name per position).
        router.get("/v1/customers/:id/payment_methods", use: listForCustomer)
        router.get("/v1/customers/:id/payment_methods/:payment_method", use: retrieveForCustomer)
    }

    static let supportedTypes: Set<String> = ["card"]
    static let billingFieldLengthMax = 800

    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        let creation = try Self.creation(&reader)
        _ = try reader.array("expand")
        try reader.finish()
        let paymentMethod = creation
        return try await endpoint.write(request, context: context, form: form) { transaction in
            StoredResponse(status: 200, body: try await transaction.createPaymentMethod(paymentMethod).json.rendered())
        }
    }

    /// A card PaymentMethod's fields: `type`, `card[…]` (details or `token`), `billing_details`, `allow_redisplay`,
    /// `metadata`. Also what an intent's `payment_method_data[…]` holds (`reader` then reads that hash).
    static func creation(_ reader: inout FormReader) throws(StripeError) -> PaymentMethodCreation {
        let type = try reader.requiredString("type", maxLength: 50)
        guard Self.supportedTypes.contains(type) else {
            throw StripeError.invalid(reader.name("type"),
                                      "Invalid type: must be one of \(Self.supportedTypes.sorted().joined(separator: ", ")).")
        }
        guard var card = try reader.hash("card"), !card.form.isEmpty else { throw StripeError.missing(reader.name("card")) }
        let instrument: PaymentInstrument
        if let token = try card.string("token", maxLength: 255) {
            instrument = .reference(token)
        } else {
            instrument = try CardDetailsForm.read(&card)
        }
        try card.finish()
        var creation = PaymentMethodCreation(card: instrument)
        if let billing = try Self.billingDetails(&reader) {
            creation.billingDetails = BillingDetails(name: billing.name.nonEmpty, email: billing.email.nonEmpty,
                                                     phone: billing.phone.nonEmpty, address: billing.address.nonEmpty)
        }
        creation.allowRedisplay = try reader.choice("allow_redisplay", PaymentMethod.redisplayChoices)
        creation.metadata = try ChargesController.newMetadata(&reader)
        return creation
    }

    @Sendable func retrieve(_ request: Request, context: APIRequestContext) async throws -> Response {
        try await endpoint.retrieve(request, context, object: "PaymentMethod",
                                    find: { ledger, id in try await ledger.paymentMethod(id) }) { method, _, _ in
            method.json
        }
    }

    /// `GET /v1/customers/{customer}/payment_methods/{payment_method}`: only one attached to that customer.
    @Sendable func retrieveForCustomer(_ request: Request, context: APIRequestContext) async throws -> Response {
        let customerID = try context.parameters.require("id")
        let id = try context.parameters.require("payment_method")
        _ = try endpoint.expandOnly(request, allowed: nil)
        return JSONResponse.ok(try await endpoint.read(context) { ledger in
            guard try await ledger.customer(customerID) != nil else { throw StripeError.noSuch("customer", customerID) }
            guard let method = try await ledger.paymentMethod(id), method.customerID == customerID else {
                throw StripeError.noSuch("PaymentMethod", id)
            }
            return method.json
        })
    }

    @Sendable func update(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        var update = PaymentMethodUpdate()
        if let billing = try Self.billingDetails(&reader) {
            update.billingName = billing.name
            update.billingEmail = billing.email
            update.billingPhone = billing.phone
            update.billingAddress = billing.address
        }
        if var card = try reader.hash("card") {
            update.expMonth = try card.int("exp_month")
            update.expYear = try card.int("exp_year")
            try card.finish()
        }
        update.allowRedisplay = try reader.choice("allow_redisplay", PaymentMethod.redisplayChoices)
        update.metadata = try reader.metadata()
        _ = try reader.array("expand")
        try reader.finish()
        let fields = update
        return try await endpoint.write(request, context: context, form: form) { transaction in
            StoredResponse(status: 200, body: try await transaction.updatePaymentMethod(id, fields).json.rendered())
        }
    }

    @Sendable func attach(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        let customerID = try reader.requiredString("customer", maxLength: 255)
        _ = try reader.array("expand")
        try reader.finish()
        return try await endpoint.write(request, context: context, form: form) { transaction in
            let method = try await transaction.attachPaymentMethod(id, customerID: customerID)
            return StoredResponse(status: 200, body: method.json.rendered())
        }
    }

    @Sendable func detach(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        _ = try reader.array("expand")
        try reader.finish()
        return try await endpoint.write(request, context: context, form: form) { transaction in
            StoredResponse(status: 200, body: try await transaction.detachPaymentMethod(id).json.rendered())
        }
    }

    /// `GET /v1/payment_methods`: the account's PaymentMethods, or one customer's (`customer`), of `type`.
    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        try await endpoint.list(request, context, .paymentMethods, url: "/v1/payment_methods", filters: { reader, query in
            if let customer = try reader.string("customer", maxLength: 255) { query.filter("customer_id", equals: customer) }
            try Self.typeFilter(&reader, &query)
        }) { row, _, _ in PaymentMethod(row: row).json }
    }

    /// `GET /v1/customers/{customer}/payment_methods`: the customer's attached PaymentMethods.
    @Sendable func listForCustomer(_ request: Request, context: APIRequestContext) async throws -> Response {
        let customerID = try context.parameters.require("id")
        guard try await endpoint.read(context, { ledger in try await ledger.customer(customerID) != nil }) else {
            throw StripeError.noSuch("customer", customerID)
        }
        return try await endpoint.list(request, context, .paymentMethods,
                                       url: "/v1/customers/\(customerID)/payment_methods", filters: { reader, query in
            query.filter("customer_id", equals: customerID)
            try Self.typeFilter(&reader, &query)
            if let redisplay = try reader.choice("allow_redisplay", PaymentMethod.redisplayChoices) {
                query.filter("allow_redisplay", equals: redisplay)
            }
        }) { row, _, _ in PaymentMethod(row: row).json }
    }

    /// `type`: any type Stripe knows filters (cards only exist here, so another type lists nothing).
    static func typeFilter(_ reader: inout FormReader, _ query: inout ListQuery) throws(StripeError) {
        if let type = try reader.string("type", maxLength: 50) { query.filter("type", equals: type) }
    }

    /// `billing_details[name|email|phone|address[…]]`: each nil when absent, "" when cleared.
    static func billingDetails(_ reader: inout FormReader) throws(StripeError)
        -> (name: String?, email: String?, phone: String?, address: String?)?
    {
        guard var billing = try reader.hash("billing_details") else { return nil }
        let name = try billing.string("name", maxLength: billingFieldLengthMax)
        let email = try billing.string("email", maxLength: billingFieldLengthMax)
        let phone = try billing.string("phone", maxLength: billingFieldLengthMax)
        var address: String?
        if var fields = try billing.hash("address") {
            var object: [(String, JSONValue)] = []
            for field in BillingDetails.addressFields {
                object.append((field, .optional(try fields.string(field, maxLength: billingFieldLengthMax)?.nonEmpty)))
            }
            try fields.finish()
            address = fields.form.isEmpty ? "" : JSONValue.object(object).rendered()
        }
        try billing.finish()
        return (name, email, phone, address)
    }
}
