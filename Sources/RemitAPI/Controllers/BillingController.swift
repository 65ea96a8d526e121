import Hummingbird
import RemitCore
import RemitSQL
import RemitStore

/// `/v1/products`, `/v1/prices` and `/v1/subscriptions`, at the level Stripe's clients use to subscribe.
struct BillingController {
    let endpoint: Endpoint

    func register(on router: Router<APIRequestContext>) {
        router.post("/v1/products", use: createProduct)
        router.get("/v1/products", use: listProducts)
        router.get("/v1/products/:id", use: retrieveProduct)
        router.post("/v1/products/:id", use: updateProduct)
        router.post("/v1/prices", use: createPrice)
        router.get("/v1/prices", use: listPrices)
        router.get("/v1/prices/:id", use: retrievePrice)
        router.post("/v1/subscriptions", use: createSubscription)
        router.get("/v1/subscriptions", use: listSubscriptions)
        router.get("/v1/subscriptions/:id", use: retrieveSubscription)
        router.post("/v1/subscriptions/:id", use: updateSubscription)
        router.delete("/v1/subscriptions/:id", use: cancelSubscription)
    }

    // MARK: Products

    static func productFields(_ reader: inout FormReader) throws(StripeError) -> ProductFields {
        var fields = ProductFields()
        fields.name = try reader.string("name", maxLength: 250)
        fields.description = try reader.string("description", maxLength: 40_000)
        fields.active = try reader.bool("active")
        fields.defaultPriceID = try reader.string("default_price", maxLength: 255)
        fields.metadata = try reader.metadata()
        for ignored in ["statement_descriptor", "unit_label", "url", "tax_code", "shippable"] {
            _ = try reader.string(ignored, maxLength: 5_000)
        }
        _ = try reader.array("images", maxCount: 8)
        _ = try reader.array("expand")
        return fields
    }

    @Sendable func createProduct(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        let fields = try Self.productFields(&reader)
        guard fields.defaultPriceID == nil else { throw StripeError.unknown("default_price") }
        try reader.finish()
        return try await endpoint.write(request, context: context, form: form) { transaction in
            StoredResponse(status: 200, body: try await transaction.createProduct(fields).json.rendered())
        }
    }

    @Sendable func updateProduct(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        let fields = try Self.productFields(&reader)
        try reader.finish()
        return try await endpoint.write(request, context: context, form: form) { transaction in
            StoredResponse(status: 200, body: try await transaction.updateProduct(id, fields).json.rendered())
        }
    }

    @Sendable func retrieveProduct(_ request: Request, context: APIRequestContext) async throws -> Response {
        try await endpoint.retrieve(request, context, object: "product",
                                    find: { ledger, id in try await ledger.product(id) }) { product, _, _ in
            product.json
        }
    }

    @Sendable func listProducts(_ request: Request, context: APIRequestContext) async throws -> Response {
        return try await endpoint.list(request, context, .products, url: "/v1/products", filters: { reader, query in
            if let active = try reader.bool("active") { query.filter("active", equals: active) }
            _ = try reader.array("ids")
        }) { row, _, _ in Product(row: row).json }
    }

    // MARK: Prices

    @Sendable func createPrice(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        let currency = try reader.currency()
        guard let amount = try reader.int("unit_amount") else { throw StripeError.missing("unit_amount") }
        guard amount >= 0, amount <= Currency.maximumAmount else {
            throw StripeError.invalid("unit_amount", "Invalid unit_amount: must be between 0 and \(Currency.maximumAmount).",
                                      code: "parameter_invalid_integer")
        }
        var price = PriceRequest(currency: currency, unitAmount: amount)
        price.productID = try reader.string("product", maxLength: 255)
        if var productData = try reader.hash("product_data") {
            price.newProductName = try productData.requiredString("name", maxLength: 250)
            try productData.finish()
        }
        if price.productID == nil && price.newProductName == nil { throw StripeError.missing("product") }
        if var recurring = try reader.hash("recurring") {
            let interval = try recurring.choice("interval", Set(Price.Interval.allCases.map(\.rawValue)))
            guard let interval else { throw StripeError.missing("recurring[interval]") }
            price.interval = Price.Interval(rawValue: interval)
            let count = try recurring.int("interval_count") ?? 1
            guard (1...365).contains(count) else {
                throw StripeError.invalid("recurring[interval_count]", "interval_count must be between 1 and 365.")
            }
            price.intervalCount = count
            _ = try recurring.choice("usage_type", ["licensed"])
            try recurring.finish()
        }
        price.nickname = try reader.string("nickname", maxLength: 250)
        price.metadata = try ChargesController.newMetadata(&reader)
        _ = try reader.string("lookup_key", maxLength: 200)
        _ = try reader.choice("tax_behavior", ["exclusive", "inclusive", "unspecified"])
        _ = try reader.array("expand")
        try reader.finish()
        let priceRequest = price
        return try await endpoint.write(request, context: context, form: form) { transaction in
            StoredResponse(status: 200, body: try await transaction.createPrice(priceRequest).json.rendered())
        }
    }

    @Sendable func retrievePrice(_ request: Request, context: APIRequestContext) async throws -> Response {
        try await endpoint.retrieve(request, context, object: "price",
                                    find: { ledger, id in try await ledger.price(id) }) { price, _, _ in
            price.json
        }
    }

    @Sendable func listPrices(_ request: Request, context: APIRequestContext) async throws -> Response {
        return try await endpoint.list(request, context, .prices, url: "/v1/prices", filters: { reader, query in
            if let product = try reader.string("product", maxLength: 255) { query.filter("product_id", equals: product) }
            if let active = try reader.bool("active") { query.filter("active", equals: active) }
            if let currency = try reader.string("currency", maxLength: 3) { query.filter("currency", equals: currency) }
            _ = try reader.choice("type", ["one_time", "recurring"])
        }) { row, _, _ in Price(row: row).json }
    }

    // MARK: Subscriptions

    @Sendable func createSubscription(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        let customer = try reader.requiredString("customer", maxLength: 255)
        guard var itemsReader = try reader.hash("items") else { throw StripeError.missing("items") }
        var items: [(priceID: String, quantity: Int64)] = []
        for index in 0..<SubscriptionRequest.itemsMax {
            guard var item = try itemsReader.hash(String(index)) else { break }
            let price = try item.requiredString("price", maxLength: 255)
            let quantity = try item.int("quantity") ?? 1
            guard quantity >= 1, quantity <= 10_000 else {
                throw StripeError.invalid("items[\(index)][quantity]", "Quantity must be between 1 and 10000.")
            }
            _ = try item.metadata()
            try item.finish()
            items.append((price, quantity))
        }
        try itemsReader.finish()
        guard !items.isEmpty else { throw StripeError.missing("items") }
        var subscription = SubscriptionRequest(customerID: customer, items: items)
        subscription.defaultPaymentMethod = try reader.string("default_payment_method", maxLength: 255)
            .flatMap { $0.isEmpty ? nil : $0 }
        subscription.metadata = try ChargesController.newMetadata(&reader)
        _ = try reader.choice("payment_behavior", ["allow_incomplete", "default_incomplete", "error_if_incomplete"])
        _ = try reader.choice("collection_method", ["charge_automatically"])
        _ = try reader.array("expand")
        try reader.finish()
        let subscriptionRequest = subscription
        return try await endpoint.write(request, context: context, form: form) { transaction in
            let (created, _) = try await transaction.createSubscription(subscriptionRequest)
            return StoredResponse(status: 200, body: try await transaction.reader.subscriptionJSON(created).rendered())
        }
    }

    @Sendable func retrieveSubscription(_ request: Request, context: APIRequestContext) async throws -> Response {
        try await endpoint.retrieve(request, context, object: "subscription",
                                    find: { ledger, id in try await ledger.subscription(id) }) { subscription, _, ledger in
            try await ledger.subscriptionJSON(subscription)
        }
    }

    @Sendable func updateSubscription(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        var update = SubscriptionUpdate()
        update.cancelAtPeriodEnd = try reader.bool("cancel_at_period_end")
        update.defaultPaymentMethod = try reader.string("default_payment_method", maxLength: 255)
        update.metadata = try reader.metadata()
        _ = try reader.array("expand")
        try reader.finish()
        let subscriptionUpdate = update
        return try await endpoint.write(request, context: context, form: form) { transaction in
            let subscription = try await transaction.updateSubscription(id, subscriptionUpdate)
            return StoredResponse(status: 200, body: try await transaction.reader.subscriptionJSON(subscription).rendered())
        }
    }

    @Sendable func cancelSubscription(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        return try await endpoint.write(request, context: context, form: Form()) { transaction in
            let subscription = try await transaction.cancelSubscription(id)
            return StoredResponse(status: 200, body: try await transaction.reader.subscriptionJSON(subscription).rendered())
        }
    }

    @Sendable func listSubscriptions(_ request: Request, context: APIRequestContext) async throws -> Response {
        return try await endpoint.list(request, context, .subscriptions, url: "/v1/subscriptions",
            filters: { reader, query in
            if let customer = try reader.string("customer", maxLength: 255) { query.filter("customer_id", equals: customer) }
            if let status = try reader.string("status", maxLength: 40), status != "all" { query.filter("status", equals: status) }
            _ = try reader.string("price", maxLength: 255)
        }) { row, _, ledger in
            try await ledger.subscriptionJSON(Subscription(row: row))
        }
    }
}
