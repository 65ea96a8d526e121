import Foundation
import Hummingbird
import RemitCore
import RemitStore
import RemitWebhooks

/// `/v1/webhook_endpoints`: Stripe's create, retrieve, update, delete and list, and Remit's extensions:
/// `roll_secret` (rotation with overlap), `recover` (re-queue dead deliveries) and `attempts` (the log).
struct WebhookEndpointsController {
    let endpoint: Endpoint

    func register(on router: Router<APIRequestContext>) {
        router.post("/v1/webhook_endpoints", use: create)
        router.get("/v1/webhook_endpoints", use: list)
        router.get("/v1/webhook_endpoints/:id", use: retrieve)
        router.post("/v1/webhook_endpoints/:id", use: update)
        router.delete("/v1/webhook_endpoints/:id", use: delete)
        router.post("/v1/webhook_endpoints/:id/roll_secret", use: rollSecret)
        router.post("/v1/webhook_endpoints/:id/recover", use: recover)
        router.get("/v1/webhook_endpoints/:id/attempts", use: attempts)
    }

    /// Reads and checks the writable fields. `http://` URLs are for test mode only, as at Stripe.
    static func fields(_ reader: inout FormReader, livemode: Bool) throws(StripeError) -> WebhookEndpointFields {
        var fields = WebhookEndpointFields()
        if let url = try reader.string("url", maxLength: 5_000) {
            fields.url = try checkedURL(url, livemode: livemode)
        }
        if let events = try reader.array("enabled_events", maxCount: 100) {
            guard !events.isEmpty else { throw StripeError.invalid("enabled_events", "enabled_events must not be empty.") }
            for (index, type) in events.enumerated() where type != "*" && !EventTypes.all.contains(type) {
                throw StripeError.invalid("enabled_events[\(index)]",
                                          "Invalid enabled_events[\(index)]: must be one of \(EventTypes.all.sorted().joined(separator: ", ")), or *")
            }
            fields.enabledEvents = events
        }
        fields.description = try reader.string("description", maxLength: 5_000)
        fields.metadata = try reader.metadata()
        fields.apiVersion = try reader.string("api_version", maxLength: 20)
        if let version = fields.apiVersion, StripeAPIVersion.requested(by: version) != version {
            throw StripeError.invalid("api_version", "Invalid api_version: must be a released Stripe API version, such as \(StripeAPIVersion.current)")
        }
        fields.disabled = try reader.bool("disabled")
        _ = try reader.bool("connect")
        _ = try reader.array("expand")
        return fields
    }

    static func checkedURL(_ text: String, livemode: Bool) throws(StripeError) -> String {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty,
              scheme == "https" || scheme == "http" else {
            throw StripeError.invalid("url", "Invalid URL: \(text). URLs must be absolute http(s) URLs.", code: "url_invalid")
        }
        if scheme == "http" && livemode {
            throw StripeError.invalid("url", "Invalid URL: \(text). Live mode webhook endpoints must use https.", code: "url_invalid")
        }
        return text
    }

    @Sendable func create(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        let fields = try Self.fields(&reader, livemode: caller.livemode)
        try reader.finish()
        if fields.url == nil { throw StripeError.missing("url") }
        if fields.enabledEvents == nil { throw StripeError.missing("enabled_events") }
        return try await endpoint.write(request, context: context, form: form) { transaction in
            StoredResponse(status: 200, body: try await transaction.createWebhookEndpoint(fields).json.rendered())
        }
    }

    @Sendable func retrieve(_ request: Request, context: APIRequestContext) async throws -> Response {
        try await endpoint.retrieve(request, context, object: "webhook_endpoint",
                                    find: { ledger, id in try await ledger.webhookEndpoint(id) }) { found, _, _ in
            found.json
        }
    }

    @Sendable func update(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let id = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        let fields = try Self.fields(&reader, livemode: caller.livemode)
        try reader.finish()
        return try await endpoint.write(request, context: context, form: form) { transaction in
            StoredResponse(status: 200, body: try await transaction.updateWebhookEndpoint(id, fields).json.rendered())
        }
    }

    @Sendable func delete(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        return try await endpoint.write(request, context: context, form: Form()) { transaction in
            StoredResponse(status: 200, body: try await transaction.deleteWebhookEndpoint(id).json.rendered())
        }
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        return try await endpoint.list(request, context, .webhookEndpoints, url: "/v1/webhook_endpoints",
            filters: { reader, query in
            query.filter("deleted", equals: Int64(0))
        }) { row, _, _ in WebhookEndpoint(row: row).json }
    }

    /// A new secret; the old one keeps signing for `expires_in` seconds (default 24 h, at most 7 days, 0 = now).
    @Sendable func rollSecret(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        let expiresIn = try reader.int("expires_in") ?? 86_400
        try reader.finish()
        guard (0...(7 * 86_400)).contains(expiresIn) else {
            throw StripeError.invalid("expires_in", "expires_in must be between 0 and 604800 seconds.")
        }
        return try await endpoint.write(request, context: context, form: form) { transaction in
            StoredResponse(status: 200, body: try await transaction.rollWebhookSecret(id, expiresIn: expiresIn).json.rendered())
        }
    }

    /// Re-queues the endpoint's dead deliveries created in [since, until) (Unix seconds).
    @Sendable func recover(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await endpoint.bodyForm(request, context: context)
        var reader = FormReader(form)
        guard let since = try reader.int("since") else { throw StripeError.missing("since") }
        let until = try reader.int("until")
        try reader.finish()
        if let until, until <= since { throw StripeError.invalid("until", "until must be after since.") }
        return try await endpoint.write(request, context: context, form: form) { transaction in
            let count = try await transaction.recoverDeliveries(id, since: since, until: until)
            return StoredResponse(status: 200, body: JSONValue.object([
                ("object", .string("webhook_endpoint_recovery")), ("webhook_endpoint", .string(id)),
                ("since", .int(since)), ("until", until.map { .int($0) } ?? .null), ("recovered", .int(Int64(count))),
            ]).rendered())
        }
    }

    /// The endpoint's attempts, newest first: status, duration, error kind and the response's first 4 KiB.
    @Sendable func attempts(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        var reader = FormReader(try endpoint.queryForm(request))
        let limit = try reader.int("limit") ?? 10
        let after = try reader.string("starting_after", maxLength: 40)
        try reader.finish()
        guard (1...Int64(APILimits.listLimitMax)).contains(limit) else {
            throw StripeError.invalid("limit", "limit must be between 1 and 100.")
        }
        let cursor = try after.map { after throws(StripeError) -> Int64 in
            guard after.hasPrefix("wha_"), let seq = Int64(after.dropFirst(4)) else {
                throw StripeError.invalid("starting_after", "starting_after must be an attempt id (wha_…).")
            }
            return seq
        }
        return JSONResponse.ok(try await endpoint.read(context) { ledger in
            guard try await ledger.webhookEndpoint(id) != nil else { throw StripeError.noSuch("webhook_endpoint", id) }
            let rows = try await ledger.webhookAttempts(endpointID: id, limit: Int(limit) + 1, startingAfter: cursor)
            return ListParameters.listObject(url: "/v1/webhook_endpoints/\(id)/attempts",
                                             data: rows.prefix(Int(limit)).map(\.json), hasMore: rows.count > limit)
        })
    }
}
