import Hummingbird
import RemitCore
import RemitStore

/// `/v1/disputes`: retrieve, list (`charge`), update evidence (`submit`), close (accept).
struct DisputesController {
    let endpoint: Endpoint
    static let expandable: Set<String> = ["charge"]

    func register(on router: Router<APIRequestContext>) {
        router.get("/v1/disputes", use: list)
        router.get("/v1/disputes/:id", use: retrieve)
        router.post("/v1/disputes/:id", use: update)
        router.post("/v1/disputes/:id/close", use: close)
    }

    @Sendable func retrieve(_ request: Request, context: APIRequestContext) async throws -> Response {
        try await endpoint.retrieve(request, context, object: "dispute", expandable: Self.expandable,
                                    find: { ledger, id in try await ledger.dispute(id) }) { dispute, expand, ledger in
            try await Self.render(dispute, expand, ledger)
        }
    }

    @Sendable func update(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        var update = DisputeUpdate()
        if var evidence = try reader.hash("evidence") {
            for field in Dispute.evidenceFields.sorted() {
                if let value = try evidence.string(field, maxLength: 20_000) { update.evidence.append((field, value)) }
            }
            try evidence.finish()
        }
        update.metadata = try reader.metadata()
        update.submit = try reader.bool("submit")
        let expand = try Expansions(try reader.array("expand"), allowed: Self.expandable)
        try reader.finish()
        let disputeUpdate = update
        return try await endpoint.write(request, context: context, form: form) { transaction in
            let dispute = try await transaction.updateDispute(id, disputeUpdate)
            return StoredResponse(status: 200, body: try await Self.render(dispute, expand, transaction.reader).rendered())
        }
    }

    @Sendable func close(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        let expand = try Expansions(try reader.array("expand"), allowed: Self.expandable)
        try reader.finish()
        return try await endpoint.write(request, context: context, form: form) { transaction in
            let dispute = try await transaction.acceptDispute(id)
            return StoredResponse(status: 200, body: try await Self.render(dispute, expand, transaction.reader).rendered())
        }
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        return try await endpoint.list(request, context, .disputes, url: "/v1/disputes", expandable: Self.expandable,
            filters: { reader, query in
            if let charge = try reader.string("charge", maxLength: 255) { query.filter("charge_id", equals: charge) }
            if let intent = try reader.string("payment_intent", maxLength: 255) {
                query.filter("payment_intent_id", equals: intent)
            }
        }) { row, expand, ledger in
            try await Self.render(Dispute(row: row), expand, ledger)
        }
    }

    static func render(_ dispute: Dispute, _ expand: Expansions, _ ledger: LedgerReader) async throws -> JSONValue {
        var charge: JSONValue?
        if expand.contains("charge") { charge = try await ledger.charge(dispute.chargeID)?.json() }
        return try await ledger.disputeJSON(dispute, charge: charge)
    }
}
