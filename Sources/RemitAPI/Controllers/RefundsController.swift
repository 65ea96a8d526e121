import Hummingbird
import RemitCore
import RemitStore

/// `/v1/refunds`: create, retrieve, update, list (`charge` filter).
struct RefundsController {
    let endpoint: Endpoint
    static let expandable: Set<String> = ["balance_transaction", "charge"]

    func register(on router: Router<APIRequestContext>) {
        router.post("/v1/refunds", use: create)
        router.get("/v1/refunds", use: list)
        router.get("/v1/refunds/:id", use: retrieve)
        router.post("/v1/refunds/:id", use: update)
    }

    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        let chargeID = try reader.string("charge", maxLength: 255).nonEmpty
        let intentID = try reader.string("payment_intent", maxLength: 255).nonEmpty
        if chargeID != nil && intentID != nil {
            throw StripeError.invalid("payment_intent", "You cannot pass both charge and payment_intent.")
        }
        guard chargeID != nil || intentID != nil else { throw StripeError.missing("charge") }
        var refund = RefundRequest(chargeID: chargeID ?? "")
        refund.paymentIntentID = intentID
        refund.amount = try reader.int("amount")
        if let amount = refund.amount, amount <= 0 {
            throw StripeError.invalid("amount", "Invalid positive integer", code: "parameter_invalid_integer")
        }
        refund.reason = try reader.choice("reason", RefundRequest.reasons)
        refund.metadata = try ChargesController.newMetadata(&reader)
        let expand = try Expansions(try reader.array("expand"), allowed: Self.expandable)
        try reader.finish()
        let refundRequest = refund
        return try await endpoint.write(request, context: context, form: form) { transaction in
            let (created, charge) = try await transaction.createRefund(refundRequest)
            return StoredResponse(status: 200, body: try await Self.render(created, expand, transaction.reader, charge: charge).rendered())
        }
    }

    @Sendable func retrieve(_ request: Request, context: APIRequestContext) async throws -> Response {
        try await endpoint.retrieve(request, context, object: "refund", expandable: Self.expandable,
                                    find: { ledger, id in try await ledger.refund(id) }) { refund, expand, ledger in
            try await Self.render(refund, expand, ledger)
        }
    }

    @Sendable func update(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        let metadata = try reader.metadata() ?? MetadataUpdate()
        let expand = try Expansions(try reader.array("expand"), allowed: Self.expandable)
        try reader.finish()
        return try await endpoint.write(request, context: context, form: form) { transaction in
            let refund = try await transaction.updateRefund(id, metadata: metadata)
            return StoredResponse(status: 200, body: try await Self.render(refund, expand, transaction.reader).rendered())
        }
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        return try await endpoint.list(request, context, .refunds, url: "/v1/refunds", expandable: Self.expandable,
            filters: { reader, query in
            if let charge = try reader.string("charge", maxLength: 255) { query.filter("charge_id", equals: charge) }
            if let intent = try reader.string("payment_intent", maxLength: 255) {
                query.filter("payment_intent_id", equals: intent)
            }
        }) { row, expand, ledger in
            try await Self.render(Refund(row: row), expand, ledger)
        }
    }

    static func render(_ refund: Refund, _ expand: Expansions, _ ledger: LedgerReader, charge: Charge? = nil)
        async throws -> JSONValue
    {
        var entry: JSONValue?
        if expand.contains("balance_transaction"), let id = refund.balanceTransactionID {
            entry = try await ledger.balanceTransaction(id).map { $0.json(now: ledger.now) }
        }
        var chargeJSON: JSONValue?
        if expand.contains("charge") {
            if let charge {
                chargeJSON = charge.json()
            } else {
                chargeJSON = try await ledger.charge(refund.chargeID).map { $0.json() }
            }
        }
        return refund.json(balanceTransaction: entry, charge: chargeJSON)
    }
}
