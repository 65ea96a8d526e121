import Hummingbird
import Logging
import RemitAlerts
import RemitCore
import RemitStore

/// `/v1/payment_intents`: create (and `confirm=true`), retrieve, update, confirm, capture, cancel, list. Cards, without
/// 3-D Secure so far (docs/payment-intents.md, increment 2).
struct PaymentIntentsController {
    let endpoint: Endpoint
    let metrics: APIMetrics
    let alerts: AlertQueue?
    static let expandable: Set<String> = ["latest_charge", "customer", "payment_method"]
    static let lengthMax = 5_000
    static let idLengthMax = 255

    func register(on router: Router<APIRequestContext>) {
        router.post("/v1/payment_intents", use: create)
        router.get("/v1/payment_intents", use: list)
        router.get("/v1/payment_intents/:id", use: retrieve)
        router.post("/v1/payment_intents/:id", use: update)
        router.post("/v1/payment_intents/:id/confirm", use: confirm)
        router.post("/v1/payment_intents/:id/capture", use: capture)
        router.post("/v1/payment_intents/:id/cancel", use: cancel)
    }

    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        guard let amount = try reader.int("amount") else { throw StripeError.missing("amount") }
        let currency = try reader.currency()
        try AmountRules.check(amount, currency)
        var creation = PaymentIntentCreation(amount: amount, currency: currency)
        creation.customerID = try reader.string("customer", maxLength: Self.idLengthMax).nonEmpty
        creation.paymentMethod = try reader.string("payment_method", maxLength: Self.idLengthMax).nonEmpty
        if let method = try reader.choice("capture_method", Set(PaymentIntent.CaptureMethod.allCases.map(\.rawValue))) {
            creation.captureMethod = PaymentIntent.CaptureMethod(rawValue: method)!
        }
        if let method = try reader.choice("confirmation_method",
                                          Set(PaymentIntent.ConfirmationMethod.allCases.map(\.rawValue))) {
            creation.confirmationMethod = PaymentIntent.ConfirmationMethod(rawValue: method)!
        }
        creation.setupFutureUsage = try reader.choice("setup_future_usage", PaymentIntent.setupFutureUsageChoices)
        creation.automaticAllowRedirects = try Self.paymentMethodTypes(&reader, form, version: context.apiVersion)
        creation.description = try reader.string("description", maxLength: Self.lengthMax).nonEmpty
        creation.receiptEmail = try reader.string("receipt_email", maxLength: 800).nonEmpty
        creation.statementDescriptor = try reader.string("statement_descriptor", maxLength: 22).nonEmpty
        creation.statementDescriptorSuffix = try reader.string("statement_descriptor_suffix", maxLength: 22).nonEmpty
        creation.metadata = try ChargesController.newMetadata(&reader)
        creation.requestThreeDSecure = try Self.paymentMethodOptions(&reader)
        var confirmation = try Self.confirmation(&reader)
        confirmation.authenticationBaseURL = ClientBaseURL.of(request)
        if try reader.bool("confirm") == true {
            try Self.requireOneMethod(creation.paymentMethod, confirmation)
            creation.confirmation = confirmation
        } else {
            // `off_session`, `return_url`, `error_on_requires_action`, `use_stripe_sdk` and `mandate_data` belong to
            // a confirmation (research §1.3).
            for param in Self.confirmationOnly where form[param] != nil {
                throw StripeError.invalid(param, "You can only pass \(param) when confirm=true.")
            }
        }
        let expand = try Expansions(try reader.array("expand"), allowed: Self.expandable)
        try reader.finish()
        let paymentIntent = creation
        return try await write(request, context, form, expand) { transaction in
            try await transaction.createPaymentIntent(paymentIntent)
        }
    }

    static let confirmationOnly = ["off_session", "return_url", "error_on_requires_action", "use_stripe_sdk",
                                   "mandate_data", "mandate", "payment_method_data"]

    /// A confirmation names its card one way.
    static func requireOneMethod(_ paymentMethod: String?, _ confirmation: PaymentIntentConfirmation) throws(StripeError) {
        if paymentMethod != nil, confirmation.paymentMethodData != nil {
            throw StripeError.invalid("payment_method_data",
                                      "You cannot provide both payment_method and payment_method_data. Pass one of them.")
        }
    }

    @Sendable func confirm(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        var confirmation = try Self.confirmation(&reader)
        confirmation.paymentMethod = try reader.string("payment_method", maxLength: Self.idLengthMax).nonEmpty
        try Self.requireOneMethod(confirmation.paymentMethod, confirmation)
        confirmation.setupFutureUsage = try reader.choice("setup_future_usage", PaymentIntent.setupFutureUsageChoices)
        if let method = try reader.choice("capture_method", Set(PaymentIntent.CaptureMethod.allCases.map(\.rawValue))) {
            confirmation.captureMethod = PaymentIntent.CaptureMethod(rawValue: method)
        }
        confirmation.receiptEmail = try reader.string("receipt_email", maxLength: 800)
        confirmation.requestThreeDSecure = try Self.paymentMethodOptions(&reader)
        confirmation.authenticationBaseURL = ClientBaseURL.of(request)
        let clientSecret = try reader.string("client_secret", maxLength: Self.lengthMax)
        let paths = try reader.array("expand")
        try reader.finish()
        let (expand, intent) = try await endpoint.admitToIntent(
            context, id: id, object: "payment_intent", access: .paymentIntent, clientSecret: clientSecret,
            expand: paths, expandable: Self.expandable, find: Self.findWithSecret)
        if let intent, try context.requireCaller().isPublishable, intent.confirmationMethod == .manual {
            throw StripeError(type: .invalidRequest, code: "payment_intent_unexpected_state",
                message: "This PaymentIntent has confirmation_method manual: confirm it with your secret key, from your server.")
        }
        let parameters = confirmation
        return try await write(request, context, form, expand) { transaction in
            try await transaction.confirmPaymentIntent(id, parameters)
        }
    }

    @Sendable func capture(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        let amount = try reader.int("amount_to_capture")
        if let amount, amount <= 0 {
            throw StripeError.invalid("amount_to_capture", "Invalid positive integer", code: "parameter_invalid_integer")
        }
        let metadata = try reader.metadata()
        _ = try reader.bool("final_capture")
        _ = try reader.string("statement_descriptor", maxLength: 22)
        _ = try reader.string("statement_descriptor_suffix", maxLength: 22)
        let expand = try Expansions(try reader.array("expand"), allowed: Self.expandable)
        try reader.finish()
        return try await write(request, context, form, expand) { transaction in
            PaymentIntentOutcome(intent: try await transaction.capturePaymentIntent(id, amountToCapture: amount,
                                                                                     metadata: metadata))
        }
    }

    @Sendable func cancel(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        let reason = try reader.choice("cancellation_reason", PaymentIntent.cancellationReasons)
        let expand = try Expansions(try reader.array("expand"), allowed: Self.expandable)
        try reader.finish()
        return try await write(request, context, form, expand) { transaction in
            PaymentIntentOutcome(intent: try await transaction.cancelPaymentIntent(id, reason: reason))
        }
    }

    @Sendable func update(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        var update = PaymentIntentUpdate()
        if let amount = try reader.int("amount") {
            update.amount = amount
        }
        if form["currency"] != nil { update.currency = try reader.currency() }
        update.paymentMethod = try reader.string("payment_method", maxLength: Self.idLengthMax)
        update.customerID = try reader.string("customer", maxLength: Self.idLengthMax).nonEmpty
        if let method = try reader.choice("capture_method", Set(PaymentIntent.CaptureMethod.allCases.map(\.rawValue))) {
            update.captureMethod = PaymentIntent.CaptureMethod(rawValue: method)
        }
        if let usage = try reader.string("setup_future_usage", maxLength: 20) {
            guard usage.isEmpty || PaymentIntent.setupFutureUsageChoices.contains(usage) else {
                throw StripeError.invalid("setup_future_usage", "Invalid setup_future_usage: must be one of on_session, off_session")
            }
            update.setupFutureUsage = usage
        }
        update.description = try reader.string("description", maxLength: Self.lengthMax)
        update.receiptEmail = try reader.string("receipt_email", maxLength: 800)
        update.statementDescriptor = try reader.string("statement_descriptor", maxLength: 22)
        update.statementDescriptorSuffix = try reader.string("statement_descriptor_suffix", maxLength: 22)
        update.metadata = try reader.metadata()
        update.requestThreeDSecure = try Self.paymentMethodOptions(&reader)
        let expand = try Expansions(try reader.array("expand"), allowed: Self.expandable)
        try reader.finish()
        let fields = update
        return try await write(request, context, form, expand) { transaction in
            PaymentIntentOutcome(intent: try await transaction.updatePaymentIntent(id, fields))
        }
    }

    @Sendable func retrieve(_ request: Request, context: APIRequestContext) async throws -> Response {
        let access = ClientSecretAccess.paymentIntent
        return try await endpoint.retrieveWithClientSecret(request, context, object: "payment_intent", access: access,
                                                           expandable: Self.expandable, find: Self.findWithSecret) {
            intent, expand, ledger in
            try await Self.render(intent, expand, ledger, version: context.apiVersion)
        }
    }

    /// An intent with the client secret the browser must match.
    @Sendable static func findWithSecret(_ ledger: LedgerReader, _ id: String) async throws
        -> (PaymentIntent, clientSecret: String)?
    {
        try await ledger.paymentIntent(id).map { ($0, $0.clientSecret) }
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        try await endpoint.list(request, context, .paymentIntents, url: "/v1/payment_intents",
                                expandable: Self.expandable, filters: { reader, query in
            if let customer = try reader.string("customer", maxLength: Self.idLengthMax) {
                query.filter("customer_id", equals: customer)
            }
        }) { row, expand, ledger in try await Self.render(PaymentIntent(row: row), expand, ledger, version: context.apiVersion) }
    }

    /// Runs an intent write under the request's idempotency key and answers with the intent, or with the 402 of a
    /// declined confirmation (its charge and events are kept, as Stripe keeps them).
    private func write(_ request: Request, _ context: APIRequestContext, _ form: Form, _ expand: Expansions,
                       _ body: @Sendable @escaping (LedgerTransaction) async throws -> PaymentIntentOutcome)
        async throws -> Response
    {
        let (metrics, alerts, clock, logger) = (self.metrics, self.alerts, endpoint.ledger.clock, context.logger)
        let caller = try context.requireCaller(), access = ClientSecretAccess.paymentIntent, version = context.apiVersion
        return try await endpoint.write(request, context: context, form: form) { transaction in
            let outcome = try await body(transaction)
            if let charge = outcome.charge {
                ChargesController.reportOutcome(of: charge, after: transaction, metrics: metrics, alerts: alerts,
                                                clock: clock, logger: logger)
            }
            if let decline = outcome.decline {
                let seen = access.view(decline, for: caller, intentField: "payment_intent")
                return StoredResponse(status: decline.responseStatus, body: seen.json.rendered())
            }
            let rendered = try await Self.render(outcome.intent, expand, transaction.reader, version: version)
            return StoredResponse(status: 200, body: access.view(rendered, for: caller).rendered())
        }
    }

    static func render(_ intent: PaymentIntent, _ expand: Expansions, _ ledger: LedgerReader, version: String) async throws
        -> JSONValue
    {
        var latestCharge: JSONValue?
        if expand.contains("latest_charge"), let id = intent.latestChargeID {
            latestCharge = try await ledger.charge(id).map { $0.json() }
        }
        var customer: JSONValue?
        if expand.contains("customer"), let id = intent.customerID {
            customer = try await CustomersController.render(id: id, ledger)
        }
        var paymentMethod: JSONValue?
        if expand.contains("payment_method"), let id = intent.paymentMethodID {
            paymentMethod = try await ledger.paymentMethod(id)?.json
        }
        let json = intent.json(latestCharge: latestCharge, customer: customer, paymentMethod: paymentMethod)
        return try await VersionedRendering.paymentIntent(json, id: intent.id, version: version, ledger)
    }


    /// The confirmation parameters a create with `confirm=true` and a confirm share.
    static func confirmation(_ reader: inout FormReader) throws(StripeError) -> PaymentIntentConfirmation {
        var confirmation = PaymentIntentConfirmation()
        if var data = try reader.hash("payment_method_data") {
            confirmation.paymentMethodData = try PaymentMethodsController.creation(&data)
            try data.finish()
        }
        confirmation.returnURL = try reader.string("return_url", maxLength: 2_048).nonEmpty
        if let offSession = try reader.string("off_session", maxLength: 20) {
            guard ["true", "false", "one_off", "recurring"].contains(offSession) else {
                throw StripeError.invalid("off_session", "Invalid off_session: must be a boolean, one_off or recurring")
            }
            confirmation.offSession = offSession != "false"
        }
        confirmation.errorOnRequiresAction = try reader.bool("error_on_requires_action") ?? false
        confirmation.useStripeSDK = try reader.bool("use_stripe_sdk") ?? false
        reader.accept("mandate_data")
        _ = try reader.string("mandate", maxLength: Self.idLengthMax)
        confirmation.signals = try ChargesController.fraudSignals(&reader)
        return confirmation
    }

    /// `payment_method_types[]` (or `allowed_payment_method_types[]`, stripe-python 16's name) turn automatic
    /// payment methods off; without them they are on (research §0.5, 0.6). Returns `allow_redirects`, or nil when off.
    /// Before 2023-08-16 an intent created with neither gets `["card"]` and no automatic payment methods (research §8).
    static func paymentMethodTypes(_ reader: inout FormReader, _ form: Form, version: String) throws(StripeError)
        -> String?
    {
        let chosen = try paymentMethodTypes(&reader)
        let namesNone = ["payment_method_types", "allowed_payment_method_types", "automatic_payment_methods"]
            .allSatisfy { form[$0] == nil }
        if namesNone, StripeAPIVersion.isBefore(version, VersionedRendering.automaticPaymentMethodsByDefault) {
            return nil
        }
        return chosen
    }

    static func paymentMethodTypes(_ reader: inout FormReader) throws(StripeError) -> String? {
        let types = try reader.array("payment_method_types", maxCount: 50)
        var named = types
        if named == nil { named = try reader.array("allowed_payment_method_types", maxCount: 50) }
        var allowRedirects: String? = "always"
        if var automatic = try reader.hash("automatic_payment_methods") {
            let enabled = try automatic.bool("enabled")
            let redirects = try automatic.choice("allow_redirects", ["always", "never"])
            try automatic.finish()
            if enabled == false { allowRedirects = nil } else { allowRedirects = redirects ?? "always" }
            if named != nil, enabled == true {
                throw StripeError.invalid("automatic_payment_methods",
                    "You may only specify one of these parameters: automatic_payment_methods, payment_method_types.")
            }
        }
        if let named {
            guard named.contains("card") else {
                throw StripeError.invalid("payment_method_types", "Remit supports the card payment method type only.")
            }
            return nil
        }
        return allowRedirects
    }

    /// `payment_method_options[card][…]`, checked by name. Returns whether it asks for 3-D Secure
    /// (`request_three_d_secure` `any` or `challenge`).
    @discardableResult
    /// `payment_method_options[card][…]`: `request_three_d_secure` when given (the rest is accepted and checked).
    static func paymentMethodOptions(_ reader: inout FormReader) throws(StripeError) -> ThreeDSecureRequest? {
        guard var options = try reader.hash("payment_method_options") else { return nil }
        var requested: ThreeDSecureRequest?
        if var card = try options.hash("card") {
            let request = try card.choice("request_three_d_secure", Set(ThreeDSecureRequest.allCases.map(\.rawValue)))
            requested = request.flatMap(ThreeDSecureRequest.init(rawValue:))
            _ = try card.choice("capture_method", ["manual"])
            _ = try card.choice("setup_future_usage", ["", "none", "off_session", "on_session"])
            _ = try card.choice("request_incremental_authorization", ["if_available", "never"])
            try card.finish()
        }
        try options.finish()
        return requested
    }
}
