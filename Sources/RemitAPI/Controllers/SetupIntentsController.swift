import Hummingbird
import RemitCore
import RemitStore

/// `/v1/setup_intents`: create (and `confirm=true`), retrieve, update, confirm, cancel, list (`customer`,
/// `payment_method`). Cards, with 3-D Secure through the same hosted challenge as PaymentIntents.
struct SetupIntentsController {
    let endpoint: Endpoint
    static let expandable: Set<String> = ["customer", "payment_method"]

    func register(on router: Router<APIRequestContext>) {
        router.post("/v1/setup_intents", use: create)
        router.get("/v1/setup_intents", use: list)
        router.get("/v1/setup_intents/:id", use: retrieve)
        router.post("/v1/setup_intents/:id", use: update)
        router.post("/v1/setup_intents/:id/confirm", use: confirm)
        router.post("/v1/setup_intents/:id/cancel", use: cancel)
    }

    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        var creation = SetupIntentCreation()
        creation.customerID = try reader.string("customer", maxLength: PaymentIntentsController.idLengthMax).nonEmpty
        creation.paymentMethod = try reader.string("payment_method", maxLength: PaymentIntentsController.idLengthMax)
            .nonEmpty
        creation.usage = try reader.choice("usage", SetupIntent.usageChoices) ?? "off_session"
        creation.automaticAllowRedirects = try PaymentIntentsController.paymentMethodTypes(&reader, form,
                                                                                           version: context.apiVersion)
        creation.description = try reader.string("description", maxLength: PaymentIntentsController.lengthMax).nonEmpty
        creation.metadata = try ChargesController.newMetadata(&reader)
        _ = try reader.bool("single_use")
        _ = try reader.array("flow_directions", maxCount: 2)
        var confirmation = try Self.confirmation(&reader, request)
        // On a create the options are the intent's own, remembered for whichever confirmation comes.
        creation.requestThreeDSecure = confirmation.requestThreeDSecure
        confirmation.requestThreeDSecure = nil
        if try reader.bool("confirm") == true {
            creation.confirmation = confirmation
        } else {
            for param in ["return_url", "use_stripe_sdk", "mandate_data"] where form[param] != nil {
                throw StripeError.invalid(param, "You can only pass \(param) when confirm=true.")
            }
            confirmation = SetupIntentConfirmation()
        }
        let expand = try Expansions(try reader.array("expand"), allowed: Self.expandable)
        try reader.finish()
        let setupIntent = creation
        return try await write(request, context, form, expand) { transaction in
            try await transaction.createSetupIntent(setupIntent)
        }
    }

    @Sendable func confirm(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        var confirmation = try Self.confirmation(&reader, request)
        confirmation.paymentMethod = try reader.string("payment_method", maxLength: PaymentIntentsController.idLengthMax)
            .nonEmpty
        let clientSecret = try reader.string("client_secret", maxLength: PaymentIntentsController.lengthMax)
        let paths = try reader.array("expand")
        let expand = try await admit(context, id: id, clientSecret: clientSecret, expand: paths)
        try reader.finish()
        let parameters = confirmation
        return try await write(request, context, form, expand) { transaction in
            try await transaction.confirmSetupIntent(id, parameters)
        }
    }

    @Sendable func update(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        var update = SetupIntentUpdate()
        update.customerID = try reader.string("customer", maxLength: PaymentIntentsController.idLengthMax).nonEmpty
        update.paymentMethod = try reader.string("payment_method", maxLength: PaymentIntentsController.idLengthMax)
        update.description = try reader.string("description", maxLength: PaymentIntentsController.lengthMax)
        update.metadata = try reader.metadata()
        update.requestThreeDSecure = try PaymentIntentsController.paymentMethodOptions(&reader)
        let expand = try Expansions(try reader.array("expand"), allowed: Self.expandable)
        try reader.finish()
        let fields = update
        return try await write(request, context, form, expand) { transaction in
            SetupIntentOutcome(intent: try await transaction.updateSetupIntent(id, fields))
        }
    }

    @Sendable func cancel(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        let reason = try reader.choice("cancellation_reason", SetupIntent.cancellationReasons)
        let clientSecret = try reader.string("client_secret", maxLength: PaymentIntentsController.lengthMax)
        let paths = try reader.array("expand")
        let expand = try await admit(context, id: id, clientSecret: clientSecret, expand: paths)
        try reader.finish()
        return try await write(request, context, form, expand) { transaction in
            SetupIntentOutcome(intent: try await transaction.cancelSetupIntent(id, reason: reason))
        }
    }

    @Sendable func retrieve(_ request: Request, context: APIRequestContext) async throws -> Response {
        try await endpoint.retrieveWithClientSecret(request, context, object: "setup_intent", access: .setupIntent,
                                                    expandable: Self.expandable, find: Self.findWithSecret) {
            intent, expand, ledger in
            try await Self.render(intent, expand, ledger)
        }
    }

    /// An intent with the client secret the browser must match.
    @Sendable static func findWithSecret(_ ledger: LedgerReader, _ id: String) async throws
        -> (SetupIntent, clientSecret: String)?
    {
        try await ledger.setupIntent(id).map { ($0, $0.clientSecret) }
    }

    /// The browser's way in (a publishable key with the client secret), checked before the write; the expansions.
    private func admit(_ context: APIRequestContext, id: String, clientSecret: String?, expand paths: [String]?)
        async throws -> Expansions
    {
        try await endpoint.admitToIntent(context, id: id, object: "setup_intent", access: .setupIntent,
                                         clientSecret: clientSecret, expand: paths, expandable: Self.expandable,
                                         find: Self.findWithSecret).0
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        try await endpoint.list(request, context, .setupIntents, url: "/v1/setup_intents",
                                expandable: Self.expandable, filters: { reader, query in
            if let customer = try reader.string("customer", maxLength: PaymentIntentsController.idLengthMax) {
                query.filter("customer_id", equals: customer)
            }
            if let method = try reader.string("payment_method", maxLength: PaymentIntentsController.idLengthMax) {
                query.filter("payment_method_id", equals: method)
            }
        }) { row, expand, ledger in try await Self.render(SetupIntent(row: row), expand, ledger) }
    }

    /// Runs a SetupIntent write under the request's idempotency key: the intent, or the 402 of a card that failed
    /// its check (the intent and its event are kept).
    private func write(_ request: Request, _ context: APIRequestContext, _ form: Form, _ expand: Expansions,
                       _ body: @Sendable @escaping (LedgerTransaction) async throws -> SetupIntentOutcome)
        async throws -> Response
    {
        let caller = try context.requireCaller(), access = ClientSecretAccess.setupIntent
        return try await endpoint.write(request, context: context, form: form) { transaction in
            let outcome = try await body(transaction)
            if let decline = outcome.decline {
                let seen = access.view(decline, for: caller, intentField: "setup_intent")
                return StoredResponse(status: decline.responseStatus, body: seen.json.rendered())
            }
            let rendered = try await Self.render(outcome.intent, expand, transaction.reader)
            return StoredResponse(status: 200, body: access.view(rendered, for: caller).rendered())
        }
    }

    static func render(_ intent: SetupIntent, _ expand: Expansions, _ ledger: LedgerReader) async throws -> JSONValue {
        var customer: JSONValue?
        if expand.contains("customer"), let id = intent.customerID {
            customer = try await CustomersController.render(id: id, ledger)
        }
        var paymentMethod: JSONValue?
        if expand.contains("payment_method"), let id = intent.paymentMethodID {
            paymentMethod = try await ledger.paymentMethod(id)?.json
        }
        return intent.json(customer: customer, paymentMethod: paymentMethod)
    }

    /// The confirmation parameters a create with `confirm=true` and a confirm share.
    static func confirmation(_ reader: inout FormReader, _ request: Request) throws(StripeError)
        -> SetupIntentConfirmation
    {
        var confirmation = SetupIntentConfirmation()
        confirmation.returnURL = try reader.string("return_url", maxLength: 2_048).nonEmpty
        confirmation.useStripeSDK = try reader.bool("use_stripe_sdk") ?? false
        reader.accept("mandate_data")
        confirmation.requestThreeDSecure = try PaymentIntentsController.paymentMethodOptions(&reader)
        confirmation.authenticationBaseURL = ClientBaseURL.of(request)
        return confirmation
    }
}
