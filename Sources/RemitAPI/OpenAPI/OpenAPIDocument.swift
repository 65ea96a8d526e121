import Foundation
import RemitCore

/// The OpenAPI 3.0 description of the API, served at `/openapi.json` (schemathesis fuzzes against it).
enum OpenAPIDocument {
    /// A parameter's schema, in the form-encoded body or the query string.
    indirect enum Schema {
        case string, integer, boolean, metadata, strings
        case hash([(String, Schema)])
        case choice([String])

        var json: JSONValue {
            switch self {
            case .string: .object([("type", .string("string"))])
            case .integer: .object([("type", .string("integer"))])
            case .boolean: .object([("type", .string("boolean"))])
            case .metadata: .object([("type", .string("object")), ("additionalProperties", .object([("type", .string("string"))]))])
            case .strings: .object([("type", .string("array")), ("items", .object([("type", .string("string"))]))])
            case .choice(let values): .object([("type", .string("string")), ("enum", .array(values.map { .string($0) }))])
            case .hash(let fields):
                .object([("type", .string("object")), ("properties", .object(fields.map { ($0.0, $0.1.json) }))])
            }
        }
    }

    struct Operation {
        let method: String
        let path: String
        let summary: String
        var body: [(String, Schema)] = []
        var required: [String] = []
        var query: [(String, Schema)] = []
    }

    static let list: [(String, Schema)] = [
        ("limit", .integer), ("starting_after", .string), ("ending_before", .string), ("expand", .strings),
        ("created", .hash([("gt", .integer), ("gte", .integer), ("lt", .integer), ("lte", .integer)])),
    ]
    static let expand: [(String, Schema)] = [("expand", .strings)]
    static let address: Schema = .hash([("line1", .string), ("line2", .string), ("city", .string),
                                        ("state", .string), ("postal_code", .string), ("country", .string)])

    static let billingDetails: Schema = .hash([("name", .string), ("email", .string), ("phone", .string),
                                               ("address", address)])
    static let redisplay: Schema = .choice(["always", "limited", "unspecified"])
    static let cardOptions: Schema = .hash([("card", .hash([
        ("request_three_d_secure", .choice(["any", "automatic", "challenge"])),
    ]))])

    static let paymentMethodData: Schema = .hash([
        ("type", .choice(["card"])),
        ("card", .hash([("number", .string), ("exp_month", .integer), ("exp_year", .integer), ("cvc", .string),
                        ("token", .string)])),
        ("billing_details", billingDetails),
    ])

    static let operations: [Operation] = [
        Operation(method: "post", path: "/v1/accounts", summary: "Create a merchant account (platform key)",
                  body: [("type", .choice(["standard", "express", "custom"])), ("country", .string), ("email", .string),
                         ("default_currency", .string), ("metadata", .metadata),
                         ("business_profile", .hash([("name", .string), ("url", .string), ("mcc", .string)]))]),
        Operation(method: "get", path: "/v1/accounts", summary: "List merchant accounts", query: list),
        Operation(method: "get", path: "/v1/accounts/{id}", summary: "Retrieve an account"),
        Operation(method: "get", path: "/v1/account", summary: "Retrieve the caller's account"),
        Operation(method: "post", path: "/v1/customers", summary: "Create a customer",
                  body: [("email", .string), ("name", .string), ("description", .string), ("phone", .string),
                         ("address", address), ("payment_method", .string), ("source", .string), ("metadata", .metadata),
                         ("invoice_settings", .hash([("default_payment_method", .string)]))] + expand),
        Operation(method: "get", path: "/v1/customers", summary: "List customers", query: list + [("email", .string)]),
        Operation(method: "get", path: "/v1/customers/{id}", summary: "Retrieve a customer", query: expand),
        Operation(method: "post", path: "/v1/customers/{id}", summary: "Update a customer",
                  body: [("email", .string), ("name", .string), ("description", .string), ("source", .string),
                         ("default_source", .string), ("metadata", .metadata)]),
        Operation(method: "delete", path: "/v1/customers/{id}", summary: "Delete a customer"),
        Operation(method: "post", path: "/v1/customers/{id}/sources", summary: "Add a card source from a token",
                  body: [("source", .string), ("metadata", .metadata)] + expand, required: ["source"]),
        Operation(method: "get", path: "/v1/customers/{id}/sources", summary: "List a customer's card sources",
                  query: list + [("object", .choice(["card"]))]),
        Operation(method: "get", path: "/v1/customers/{id}/sources/{source}", summary: "Retrieve a card source",
                  query: expand),
        Operation(method: "post", path: "/v1/customers/{id}/sources/{source}", summary: "Update a card source",
                  body: [("name", .string), ("exp_month", .integer), ("exp_year", .integer), ("address_city", .string),
                         ("address_country", .string), ("address_line1", .string), ("address_line2", .string),
                         ("address_state", .string), ("address_zip", .string), ("metadata", .metadata)] + expand),
        Operation(method: "delete", path: "/v1/customers/{id}/sources/{source}", summary: "Delete a card source"),
        Operation(method: "post", path: "/v1/payment_methods", summary: "Create a card PaymentMethod",
                  body: [("type", .choice(["card"])),
                         ("card", .hash([("number", .string), ("exp_month", .integer), ("exp_year", .integer),
                                         ("cvc", .string), ("token", .string)])),
                         ("billing_details", billingDetails), ("allow_redisplay", redisplay),
                         ("metadata", .metadata)] + expand,
                  required: ["type"]),
        Operation(method: "get", path: "/v1/payment_methods", summary: "List PaymentMethods",
                  query: list + [("customer", .string), ("type", .string)]),
        Operation(method: "get", path: "/v1/payment_methods/{id}", summary: "Retrieve a PaymentMethod", query: expand),
        Operation(method: "post", path: "/v1/payment_methods/{id}", summary: "Update an attached PaymentMethod",
                  body: [("billing_details", billingDetails),
                         ("card", .hash([("exp_month", .integer), ("exp_year", .integer)])),
                         ("allow_redisplay", redisplay), ("metadata", .metadata)] + expand),
        Operation(method: "post", path: "/v1/payment_methods/{id}/attach", summary: "Attach a PaymentMethod to a customer",
                  body: [("customer", .string)] + expand, required: ["customer"]),
        Operation(method: "post", path: "/v1/payment_methods/{id}/detach", summary: "Detach a PaymentMethod for good",
                  body: expand),
        Operation(method: "get", path: "/v1/customers/{id}/payment_methods", summary: "List a customer's PaymentMethods",
                  query: list + [("type", .string), ("allow_redisplay", redisplay)]),
        Operation(method: "get", path: "/v1/customers/{id}/payment_methods/{payment_method}",
                  summary: "Retrieve a customer's PaymentMethod", query: expand),
        Operation(method: "post", path: "/v1/payment_intents", summary: "Create a PaymentIntent",
                  body: [("amount", .integer), ("currency", .string), ("customer", .string), ("payment_method", .string),
                         ("confirm", .boolean), ("capture_method", .choice(["automatic", "automatic_async", "manual"])),
                         ("confirmation_method", .choice(["automatic", "manual"])),
                         ("setup_future_usage", .choice(["on_session", "off_session"])),
                         ("payment_method_types", .strings),
                         ("automatic_payment_methods", .hash([("enabled", .boolean),
                                                              ("allow_redirects", .choice(["always", "never"]))])),
                         ("return_url", .string), ("off_session", .boolean), ("error_on_requires_action", .boolean),
                         ("payment_method_options", cardOptions), ("description", .string),
                         ("receipt_email", .string), ("statement_descriptor_suffix", .string),
                         ("metadata", .metadata)] + expand,
                  required: ["amount", "currency"]),
        Operation(method: "get", path: "/v1/payment_intents", summary: "List PaymentIntents",
                  query: list + [("customer", .string)]),
        Operation(method: "get", path: "/v1/payment_intents/{id}", summary: "Retrieve a PaymentIntent",
                  query: expand + [("client_secret", .string)]),
        Operation(method: "post", path: "/v1/payment_intents/{id}", summary: "Update a PaymentIntent",
                  body: [("amount", .integer), ("currency", .string), ("customer", .string), ("payment_method", .string),
                         ("description", .string), ("metadata", .metadata)] + expand),
        Operation(method: "post", path: "/v1/payment_intents/{id}/confirm", summary: "Confirm a PaymentIntent",
                  body: [("payment_method", .string), ("payment_method_data", paymentMethodData), ("return_url", .string),
                         ("off_session", .boolean), ("error_on_requires_action", .boolean), ("use_stripe_sdk", .boolean),
                         ("client_secret", .string),
                         ("payment_method_options", cardOptions),
                         ("capture_method", .choice(["automatic", "automatic_async", "manual"]))] + expand),
        Operation(method: "post", path: "/v1/payment_intents/{id}/capture", summary: "Capture a PaymentIntent",
                  body: [("amount_to_capture", .integer), ("metadata", .metadata)] + expand),
        Operation(method: "post", path: "/v1/payment_intents/{id}/cancel", summary: "Cancel a PaymentIntent",
                  body: [("cancellation_reason", .choice(["duplicate", "fraudulent", "requested_by_customer",
                                                           "abandoned"]))] + expand),
        Operation(method: "post", path: "/v1/setup_intents", summary: "Create a SetupIntent",
                  body: [("customer", .string), ("payment_method", .string), ("confirm", .boolean),
                         ("usage", .choice(["off_session", "on_session"])), ("payment_method_types", .strings),
                         ("return_url", .string), ("description", .string), ("metadata", .metadata)] + expand),
        Operation(method: "get", path: "/v1/setup_intents", summary: "List SetupIntents",
                  query: list + [("customer", .string), ("payment_method", .string)]),
        Operation(method: "get", path: "/v1/setup_intents/{id}", summary: "Retrieve a SetupIntent",
                  query: expand + [("client_secret", .string)]),
        Operation(method: "post", path: "/v1/setup_intents/{id}", summary: "Update a SetupIntent",
                  body: [("customer", .string), ("payment_method", .string), ("description", .string),
                         ("metadata", .metadata)] + expand),
        Operation(method: "post", path: "/v1/setup_intents/{id}/confirm", summary: "Confirm a SetupIntent",
                  body: [("payment_method", .string), ("return_url", .string), ("use_stripe_sdk", .boolean),
                         ("client_secret", .string), ("payment_method_options", cardOptions)] + expand),
        Operation(method: "post", path: "/v1/setup_intents/{id}/cancel", summary: "Cancel a SetupIntent",
                  body: [("cancellation_reason", .choice(["abandoned", "duplicate", "requested_by_customer"])),
                         ("client_secret", .string)] + expand),
        Operation(method: "post", path: "/v1/tokens", summary: "Create a card token (single use)",
                  body: [("card", .hash([("number", .string), ("exp_month", .integer), ("exp_year", .integer),
                                         ("cvc", .string), ("name", .string)]))] + expand,
                  required: ["card"]),
        Operation(method: "get", path: "/v1/tokens/{id}", summary: "Retrieve a token", query: expand),
        Operation(method: "post", path: "/v1/charges", summary: "Create a charge",
                  body: [("amount", .integer), ("currency", .string), ("source", .string), ("payment_method", .string),
                         ("customer", .string), ("description", .string), ("capture", .boolean),
                         ("receipt_email", .string), ("statement_descriptor", .string), ("metadata", .metadata)] + expand,
                  required: ["amount", "currency"]),
        Operation(method: "get", path: "/v1/charges", summary: "List charges",
                  query: list + [("customer", .string), ("payment_intent", .string)]),
        Operation(method: "get", path: "/v1/charges/{id}", summary: "Retrieve a charge", query: expand),
        Operation(method: "post", path: "/v1/charges/{id}", summary: "Update a charge",
                  body: [("description", .string), ("receipt_email", .string), ("metadata", .metadata)] + expand),
        Operation(method: "post", path: "/v1/charges/{id}/capture", summary: "Capture a charge",
                  body: [("amount", .integer)] + expand),
        Operation(method: "post", path: "/v1/refunds", summary: "Refund a charge or a PaymentIntent",
                  body: [("charge", .string), ("payment_intent", .string), ("amount", .integer),
                         ("reason", .choice(["duplicate", "fraudulent", "requested_by_customer"])),
                         ("metadata", .metadata)] + expand),
        Operation(method: "get", path: "/v1/refunds", summary: "List refunds",
                  query: list + [("charge", .string), ("payment_intent", .string)]),
        Operation(method: "get", path: "/v1/refunds/{id}", summary: "Retrieve a refund", query: expand),
        Operation(method: "post", path: "/v1/refunds/{id}", summary: "Update a refund", body: [("metadata", .metadata)]),
        Operation(method: "get", path: "/v1/disputes", summary: "List disputes", query: list + [("charge", .string)]),
        Operation(method: "get", path: "/v1/disputes/{id}", summary: "Retrieve a dispute", query: expand),
        Operation(method: "post", path: "/v1/disputes/{id}", summary: "Update a dispute's evidence",
                  body: [("evidence", .hash([("uncategorized_text", .string), ("product_description", .string)])),
                         ("submit", .boolean), ("metadata", .metadata)]),
        Operation(method: "post", path: "/v1/disputes/{id}/close", summary: "Accept a dispute"),
        Operation(method: "get", path: "/v1/balance", summary: "Retrieve the balance"),
        Operation(method: "get", path: "/v1/balance_transactions", summary: "List balance transactions",
                  query: list + [("type", .string), ("source", .string), ("currency", .string)]),
        Operation(method: "get", path: "/v1/balance_transactions/{id}", summary: "Retrieve a balance transaction",
                  query: expand),
        Operation(method: "get", path: "/v1/events", summary: "List events",
                  query: list + [("type", .string), ("types", .strings), ("delivery_success", .boolean)]),
        Operation(method: "get", path: "/v1/events/{id}", summary: "Retrieve an event"),
        Operation(method: "post", path: "/v1/events/{id}/resend", summary: "Deliver an event to one endpoint again (Remit)",
                  body: [("webhook_endpoint", .string)], required: ["webhook_endpoint"]),
        Operation(method: "post", path: "/v1/webhook_endpoints", summary: "Create a webhook endpoint",
                  body: [("url", .string), ("enabled_events", .strings), ("description", .string),
                         ("api_version", .string), ("metadata", .metadata)],
                  required: ["url", "enabled_events"]),
        Operation(method: "get", path: "/v1/webhook_endpoints", summary: "List webhook endpoints", query: list),
        Operation(method: "get", path: "/v1/webhook_endpoints/{id}", summary: "Retrieve a webhook endpoint"),
        Operation(method: "post", path: "/v1/webhook_endpoints/{id}", summary: "Update a webhook endpoint",
                  body: [("url", .string), ("enabled_events", .strings), ("description", .string),
                         ("disabled", .boolean), ("metadata", .metadata)]),
        Operation(method: "delete", path: "/v1/webhook_endpoints/{id}", summary: "Delete a webhook endpoint"),
        Operation(method: "post", path: "/v1/webhook_endpoints/{id}/roll_secret",
                  summary: "Roll the signing secret; the old one signs for expires_in seconds (Remit)",
                  body: [("expires_in", .integer)]),
        Operation(method: "post", path: "/v1/webhook_endpoints/{id}/recover",
                  summary: "Re-queue dead deliveries created in [since, until) (Remit)",
                  body: [("since", .integer), ("until", .integer)], required: ["since"]),
        Operation(method: "get", path: "/v1/webhook_endpoints/{id}/attempts", summary: "List delivery attempts (Remit)",
                  query: [("limit", .integer), ("starting_after", .string)]),
        Operation(method: "post", path: "/v1/products", summary: "Create a product",
                  body: [("name", .string), ("description", .string), ("active", .boolean), ("metadata", .metadata)],
                  required: ["name"]),
        Operation(method: "get", path: "/v1/products", summary: "List products", query: list + [("active", .boolean)]),
        Operation(method: "get", path: "/v1/products/{id}", summary: "Retrieve a product"),
        Operation(method: "post", path: "/v1/products/{id}", summary: "Update a product",
                  body: [("name", .string), ("active", .boolean), ("default_price", .string), ("metadata", .metadata)]),
        Operation(method: "post", path: "/v1/prices", summary: "Create a price",
                  body: [("product", .string), ("currency", .string), ("unit_amount", .integer),
                         ("recurring", .hash([("interval", .choice(["day", "week", "month", "year"])),
                                              ("interval_count", .integer)])),
                         ("nickname", .string), ("metadata", .metadata)],
                  required: ["currency", "unit_amount"]),
        Operation(method: "get", path: "/v1/prices", summary: "List prices", query: list + [("product", .string)]),
        Operation(method: "get", path: "/v1/prices/{id}", summary: "Retrieve a price"),
        Operation(method: "post", path: "/v1/subscriptions", summary: "Create a subscription",
                  body: [("customer", .string), ("default_payment_method", .string), ("metadata", .metadata),
                         ("items", .hash([("0", .hash([("price", .string), ("quantity", .integer)]))]))],
                  required: ["customer", "items"]),
        Operation(method: "get", path: "/v1/subscriptions", summary: "List subscriptions",
                  query: list + [("customer", .string), ("status", .string)]),
        Operation(method: "get", path: "/v1/subscriptions/{id}", summary: "Retrieve a subscription"),
        Operation(method: "post", path: "/v1/subscriptions/{id}", summary: "Update a subscription",
                  body: [("cancel_at_period_end", .boolean), ("default_payment_method", .string),
                         ("metadata", .metadata)]),
        Operation(method: "delete", path: "/v1/subscriptions/{id}", summary: "Cancel a subscription"),
    ]

    static let rendered: String = document.rendered()

    static var document: JSONValue {
        var paths: [(String, [(String, JSONValue)])] = []
        for operation in operations {
            let entry = (operation.method, self.operation(operation))
            if let index = paths.firstIndex(where: { $0.0 == operation.path }) {
                paths[index].1.append(entry)
            } else {
                paths.append((operation.path, [entry]))
            }
        }
        return .object([
            ("openapi", .string("3.0.3")),
            ("info", .object([
                ("title", .string("Remit API")), ("version", .string(StripeAPIVersion.current)),
                ("description", .string("Stripe-compatible payments API. Form-encoded bodies with bracket nesting; JSON answers.")),
            ])),
            ("servers", .array([.object([("url", .string("/"))])])),
            ("security", .array([.object([("bearer", .array([]))]), .object([("basic", .array([]))])])),
            ("paths", .object(paths.map { ($0.0, .object($0.1)) })),
            ("components", .object([
                ("securitySchemes", .object([
                    ("bearer", .object([("type", .string("http")), ("scheme", .string("bearer"))])),
                    ("basic", .object([("type", .string("http")), ("scheme", .string("basic"))])),
                ])),
                ("schemas", .object([("Error", errorSchema)])),
            ])),
        ])
    }

    static func operation(_ operation: Operation) -> JSONValue {
        var parameters: [JSONValue] = []
        // Every `{name}` segment of the path is a path parameter.
        let names = operation.path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }
            .map { String($0.dropFirst().dropLast()) }
        for name in names {
            parameters.append(.object([("name", .string(name)), ("in", .string("path")), ("required", .bool(true)),
                                       ("schema", Schema.string.json)]))
        }
        for (name, schema) in operation.query {
            var fields: [(String, JSONValue)] = [("name", .string(name)), ("in", .string("query")), ("schema", schema.json)]
            if case .hash = schema { fields += [("style", .string("deepObject")), ("explode", .bool(true))] }
            parameters.append(.object(fields))
        }
        var fields: [(String, JSONValue)] = [
            ("summary", .string(operation.summary)),
            ("operationId", .string(operation.method + operation.path.replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: ""))),
            ("parameters", .array(parameters)),
            ("responses", .object([
                ("200", .object([("description", .string("The object")),
                                 ("content", .object([("application/json", .object([("schema", .object([("type", .string("object"))]))]))]))])),
                ("default", .object([("description", .string("Stripe error envelope")),
                                     ("content", .object([("application/json", .object([("schema", .object([("$ref", .string("#/components/schemas/Error"))]))]))]))])),
            ])),
        ]
        if operation.method == "post" {
            let schema = JSONValue.object([
                ("type", .string("object")),
                ("properties", .object(operation.body.map { ($0.0, $0.1.json) })),
                ("required", .array(operation.required.map { .string($0) })),
            ])
            let required = operation.required.isEmpty ? [] : [("required", JSONValue.bool(true))]
            fields.append(("requestBody", .object(required + [
                ("content", .object([("application/x-www-form-urlencoded", .object([("schema", schema)]))])),
            ])))
        }
        return .object(fields)
    }

    static let errorSchema: JSONValue = .object([
        ("type", .string("object")), ("required", .array([.string("error")])),
        ("properties", .object([("error", .object([
            ("type", .string("object")), ("required", .array([.string("type"), .string("message")])),
            ("properties", .object([
                ("type", .object([("type", .string("string"))])), ("code", .object([("type", .string("string"))])),
                ("message", .object([("type", .string("string"))])), ("param", .object([("type", .string("string"))])),
                ("decline_code", .object([("type", .string("string"))])), ("charge", .object([("type", .string("string"))])),
            ])),
        ]))])),
    ])
}
