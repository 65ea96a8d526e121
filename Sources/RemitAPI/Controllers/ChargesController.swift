import Foundation
import Hummingbird
import Logging
import RemitAlerts
import RemitCore
import RemitFraud
import RemitProcessor
import RemitStore

/// `/v1/charges`: create, retrieve, update, capture, list.
struct ChargesController {
    let endpoint: Endpoint
    let metrics: APIMetrics
    /// The fraud team's alerts: one per blocked charge, queued once its transaction has committed.
    let alerts: AlertQueue?
    /// The models and references that scored the charges, for `fraud_assessment`.
    let fraud: FraudEngine
    static let expandable: Set<String> = ["balance_transaction", "customer"]

    func register(on router: Router<APIRequestContext>) {
        router.post("/v1/charges", use: create)
        router.get("/v1/charges", use: list)
        router.get("/v1/charges/:id", use: retrieve)
        router.post("/v1/charges/:id", use: update)
        router.post("/v1/charges/:id/capture", use: capture)
        router.get("/v1/charges/:id/fraud_assessment", use: fraudAssessment)
    }

    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        let charge = try Self.chargeRequest(&reader)
        let expand = try Expansions(try reader.array("expand"), allowed: Self.expandable)
        try reader.finish()
        let (metrics, alerts, clock) = (self.metrics, self.alerts, endpoint.ledger.clock)
        let logger = context.logger
        return try await endpoint.write(request, context: context, form: form) { transaction in
            let result = try await transaction.createCharge(charge)
            Self.reportOutcome(of: result.charge, after: transaction, metrics: metrics, alerts: alerts, clock: clock,
                               logger: logger)
            if let decline = result.decline {
                return StoredResponse(status: decline.responseStatus, body: decline.json.rendered())
            }
            if !expand.contains("balance_transaction") && !expand.contains("customer"), let rendered = result.rendered {
                return StoredResponse(status: 200, body: rendered)
            }
            let body = try await Self.render(result.charge, expand, transaction.reader, entry: result.balanceTransaction,
                                           version: context.apiVersion)
            return StoredResponse(status: 200, body: body.rendered())
        }
    }

    /// Counts the charge's outcome and alerts a block, once its transaction has committed (off the writer; a replay
    /// of the key does neither again).
    static func reportOutcome(of charge: Charge, after transaction: LedgerTransaction, metrics: APIMetrics,
                              alerts: AlertQueue?, clock: WallClock, logger: Logger) {
        transaction.afterCommit("charge-outcome") {
            metrics.charge(outcome: charge.outcome.type)
            if charge.outcome.type == "blocked" { alertBlock(charge, to: alerts, at: clock.now(), logger: logger) }
        }
    }

    /// One alert per blocked charge (source `fraud`, kind `fraud_block`), queued for the log line, the `alerts` table
    /// and the configured sinks.
    static func alertBlock(_ charge: Charge, to alerts: AlertQueue?, at now: Date, logger: Logger) {
        let details = [
            "charge": charge.id, "risk_score": "\(charge.outcome.riskScore)", "amount": "\(charge.amount)",
            "currency": charge.currency.code,
        ]
        let summary = "charge \(charge.id) blocked by the fraud model (score \(charge.outcome.riskScore))"
        guard let alerts else {
            logger.warning("fraud block", metadata: ["alert": "fraud_block", "account": "\(charge.accountID)",
                                                     "charge": "\(charge.id)"])
            return
        }
        alerts.enqueue(Alert(source: "fraud", kind: "fraud_block", severity: .warning, subject: charge.id,
                             accountID: charge.accountID, summary: summary, details: details, created: now))
    }

    static func chargeRequest(_ reader: inout FormReader) throws(StripeError) -> ChargeRequest {
        guard let amount = try reader.int("amount") else { throw StripeError.missing("amount") }
        let currency = try reader.currency()
        try AmountRules.check(amount, currency)
        var request = ChargeRequest(amount: amount, currency: currency)
        request.customerID = try reader.string("customer", maxLength: 255).flatMap { $0.isEmpty ? nil : $0 }
        let instrument = try Self.instrument(&reader)
        request.instrument = instrument?.0
        request.instrumentParam = instrument?.1 ?? "source"
        request.description = try reader.string("description", maxLength: 1_000).flatMap { $0.isEmpty ? nil : $0 }
        request.metadata = try Self.newMetadata(&reader)
        request.capture = try reader.bool("capture") ?? true
        request.receiptEmail = try reader.string("receipt_email", maxLength: 800).flatMap { $0.isEmpty ? nil : $0 }
        if let descriptor = try reader.string("statement_descriptor", maxLength: 22), !descriptor.isEmpty {
            request.statementDescriptor = descriptor
        }
        request.signals = try Self.fraudSignals(&reader)
        return request
    }

    /// `radar_options[session]` (Stripe's) and Remit's extensions for the fraud features:
    /// `radar_options[ip_address]`, `[device_id]`, `[email]`, `[billing_country]`.
    static func fraudSignals(_ reader: inout FormReader) throws(StripeError) -> FraudSignals {
        var signals = FraudSignals()
        guard var radar = try reader.hash("radar_options") else { return signals }
        _ = try radar.string("session", maxLength: 500)
        signals.ipAddress = try radar.string("ip_address", maxLength: 45).flatMap { $0.isEmpty ? nil : $0 }
        signals.deviceID = try radar.string("device_id", maxLength: 255).flatMap { $0.isEmpty ? nil : $0 }
        signals.email = try radar.string("email", maxLength: 800).flatMap { $0.isEmpty ? nil : $0 }
        if let country = try radar.string("billing_country", maxLength: 2), !country.isEmpty {
            guard country.count == 2, country.allSatisfy(\.isLetter) else {
                throw StripeError.invalid("radar_options[billing_country]", "Invalid country: use a two-letter ISO code")
            }
            signals.billingCountry = country.uppercased()
        }
        try radar.finish()
        return signals
    }

    /// Metadata of a new object: the given keys, with Stripe's limits.
    static func newMetadata(_ reader: inout FormReader) throws(StripeError) -> Metadata {
        guard let update = try reader.metadata() else { return Metadata() }
        return try update.applied(to: Metadata())
    }

    /// `source=tok_…`, `source[object]=card&source[number]=…` or `payment_method=pm_…`.
    static func instrument(_ reader: inout FormReader) throws(StripeError) -> (PaymentInstrument, String)? {
        let paymentMethod = try reader.string("payment_method", maxLength: 255).flatMap { $0.isEmpty ? nil : $0 }
        var source: PaymentInstrument?
        if case .map = reader.form["source"] {
            guard var card = try reader.hash("source") else { return nil }
            if let object = try card.string("object"), object != "card" {
                throw StripeError.invalid("source[object]", "Invalid source object: must be card")
            }
            let details = try CardDetailsForm.read(&card)
            for ignored in ["name", "address_line1", "address_line2", "address_city", "address_state", "address_zip",
                            "address_country", "currency"] {
                _ = try card.string(ignored, maxLength: 500)
            }
            try card.finish()
            source = details
        } else if let id = try reader.string("source", maxLength: 255), !id.isEmpty {
            source = .reference(id)
        } else {
            reader.accept("source")
        }
        switch (source, paymentMethod) {
        case (.some, .some):
            throw StripeError.invalid("payment_method", "You cannot pass both source and payment_method.")
        case (.some(let source), nil): return (source, "source")
        case (nil, .some(let id)): return (.reference(id), "payment_method")
        case (nil, nil): return nil
        }
    }

    @Sendable func retrieve(_ request: Request, context: APIRequestContext) async throws -> Response {
        try await endpoint.retrieve(request, context, object: "charge", expandable: Self.expandable,
                                    find: { ledger, id in try await ledger.charge(id) }) { charge, expand, ledger in
            try await Self.render(charge, expand, ledger, version: context.apiVersion)
        }
    }

    @Sendable func update(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        var update = ChargeUpdate()
        update.description = try reader.string("description", maxLength: 1_000)
        update.receiptEmail = try reader.string("receipt_email", maxLength: 800)
        update.customerID = try reader.string("customer", maxLength: 255)
        update.metadata = try reader.metadata()
        let expand = try Expansions(try reader.array("expand"), allowed: Self.expandable)
        try reader.finish()
        let chargeUpdate = update
        return try await endpoint.write(request, context: context, form: form) { transaction in
            let charge = try await transaction.updateCharge(id, chargeUpdate)
            return StoredResponse(status: 200, body: try await Self.render(charge, expand, transaction.reader, version: context.apiVersion).rendered())
        }
    }

    @Sendable func capture(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        let amount = try reader.int("amount")
        if let amount, amount <= 0 {
            throw StripeError.invalid("amount", "Amount must be a positive integer.", code: "parameter_invalid_integer")
        }
        _ = try reader.string("receipt_email", maxLength: 800)
        _ = try reader.string("statement_descriptor", maxLength: 22)
        let expand = try Expansions(try reader.array("expand"), allowed: Self.expandable)
        try reader.finish()
        return try await endpoint.write(request, context: context, form: form) { transaction in
            let result = try await transaction.captureCharge(id, amount: amount)
            let body = try await Self.render(result.charge, expand, transaction.reader, entry: result.balanceTransaction,
                                           version: context.apiVersion)
            return StoredResponse(status: 200, body: body.rendered())
        }
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        return try await endpoint.list(request, context, .charges, url: "/v1/charges", expandable: Self.expandable,
            filters: { reader, query in
            if let customer = try reader.string("customer", maxLength: 255) { query.filter("customer_id", equals: customer) }
            if let intent = try reader.string("payment_intent", maxLength: 255) {
                query.filter("payment_intent_id", equals: intent)
            }
            _ = try reader.string("transfer_group", maxLength: 255)
        }) { row, expand, ledger in
            try await Self.render(Charge(row: row), expand, ledger, version: context.apiVersion)
        }
    }

    static func render(_ charge: Charge, _ expand: Expansions, _ ledger: LedgerReader,
                       entry: BalanceTransaction? = nil, version: String) async throws -> JSONValue {
        var balanceTransaction: JSONValue?
        if expand.contains("balance_transaction"), let id = charge.balanceTransactionID {
            if let entry {
                balanceTransaction = entry.json(now: ledger.now)
            } else {
                balanceTransaction = try await ledger.balanceTransaction(id).map { $0.json(now: ledger.now) }
            }
        }
        var customer: JSONValue?
        if expand.contains("customer"), let id = charge.customerID {
            customer = try await CustomersController.render(id: id, ledger)
        }
        let json = charge.json(balanceTransaction: balanceTransaction, customer: customer)
        return try await VersionedRendering.charge(json, id: charge.id, version: version, ledger)
    }
}
