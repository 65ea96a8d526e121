import Hummingbird
import RemitCore
import RemitSQL
import RemitStore
import RemitWebhooks

/// `/v1/events`: every state change, as written in the change's own transaction.
struct EventsController {
    let endpoint: Endpoint

    func register(on router: Router<APIRequestContext>) {
        router.get("/v1/events", use: list)
        router.get("/v1/events/:id", use: retrieve)
        router.post("/v1/events/:id/resend", use: resend)
    }

    /// One manual delivery of the event to `webhook_endpoint` (what `stripe events resend` does), not retried.
    @Sendable func resend(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        let target = try reader.requiredString("webhook_endpoint", maxLength: 100)
        try reader.finish()
        return try await endpoint.write(request, context: context, form: form) { transaction in
            let eventID = try await transaction.resendEvent(id, to: target)
            guard let payload = try await transaction.reader.eventPayload(eventID) else { throw StripeError.noSuch("event", id) }
            return StoredResponse(status: 200, body: payload)
        }
    }

    @Sendable func retrieve(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        _ = try endpoint.expandOnly(request, allowed: nil)
        let payload = try await endpoint.read(context) { ledger in try await ledger.eventPayload(id) }
        guard let payload else { throw StripeError.noSuch("event", id) }
        return JSONResponse.make(status: 200, body: payload)
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        return try await endpoint.list(request, context, .events, url: "/v1/events", filters: { reader, query in
            let type = try reader.string("type", maxLength: 100)
            let types = try reader.array("types", maxCount: 20)
            if type != nil && types != nil {
                throw StripeError.invalid("types", "You may only specify one of these parameters: type, types.")
            }
            if let type {
                if type.contains("*") {
                    // `charge.*`: a prefix wildcard, as Stripe allows.
                    query.prefix = ("type", String(type.prefix { $0 != "*" }))
                } else {
                    query.filter("type", equals: type)
                }
            }
            if let types { query.oneOf.append(("type", types)) }
            query.deliverySuccess = try reader.bool("delivery_success")
        }) { row, _, _ in
            JSONValue.raw(EventPayload.rendering(row.string("payload"), pendingWebhooks: row.int("pending_webhooks")))
        }
    }
}
