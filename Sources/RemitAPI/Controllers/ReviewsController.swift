import Hummingbird
import RemitCore
import RemitStore

/// `/v1/reviews`: the manual review queue the fraud check fills: list, retrieve, approve.
struct ReviewsController {
    let endpoint: Endpoint
    static let expandable: Set<String> = ["charge"]

    func register(on router: Router<APIRequestContext>) {
        router.get("/v1/reviews", use: list)
        router.get("/v1/reviews/:id", use: retrieve)
        router.post("/v1/reviews/:id/approve", use: approve)
    }

    @Sendable func retrieve(_ request: Request, context: APIRequestContext) async throws -> Response {
        try await endpoint.retrieve(request, context, object: "review", expandable: Self.expandable,
                                    find: { ledger, id in try await ledger.review(id) }) { review, expand, ledger in
            try await Self.render(review, expand, ledger)
        }
    }

    @Sendable func approve(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        let expand = try Expansions(try reader.array("expand"), allowed: Self.expandable)
        try reader.finish()
        return try await endpoint.write(request, context: context, form: form) { transaction in
            let review = try await transaction.approveReview(id)
            return StoredResponse(status: 200, body: try await Self.render(review, expand, transaction.reader).rendered())
        }
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        return try await endpoint.list(request, context, .reviews, url: "/v1/reviews", expandable: Self.expandable) { row, expand, ledger in
            try await Self.render(Review(row: row), expand, ledger)
        }
    }

    static func render(_ review: Review, _ expand: Expansions, _ ledger: LedgerReader) async throws -> JSONValue {
        guard expand.contains("charge"), let charge = try await ledger.charge(review.chargeID) else { return review.json }
        guard case .object(var members) = review.json else { return review.json }
        if let index = members.firstIndex(where: { $0.0 == "charge" }) { members[index].1 = charge.json() }
        return .object(members)
    }
}
