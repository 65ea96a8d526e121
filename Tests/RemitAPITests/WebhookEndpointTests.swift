import Foundation
import RemitTesting
import Testing

struct WebhookEndpointTests {
    @Test(arguments: TestEngine.available)
    func endpointsAreCreatedReadUpdatedAndDeletedTheStripeWay(engine: TestEngine) async throws {
        let app = try await WebhookHarness.app(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let created = try await client.post("/v1/webhook_endpoints", [
                ("url", "https://example.com/hooks"), ("enabled_events[]", "charge.succeeded"),
                ("enabled_events[]", "charge.failed"), ("description", "orders"), ("metadata[team]", "payments"),
            ], key: merchant.key)
            #expect(created.status == 200)
            #expect(created.id.hasPrefix("we_"))
            #expect((created["secret"] as? String)?.hasPrefix("whsec_") == true)
            #expect(created["status"] as? String == "enabled")
            #expect(created["enabled_events"] as? [String] == ["charge.succeeded", "charge.failed"])
            let read = try await client.get("/v1/webhook_endpoints/\(created.id)", key: merchant.key)
            #expect(read["secret"] == nil, "the secret is shown once, at creation")
            #expect(read["description"] as? String == "orders")
            let updated = try await client.post("/v1/webhook_endpoints/\(created.id)", [
                ("enabled_events[]", "*"), ("disabled", "true"),
            ], key: merchant.key)
            #expect(updated["enabled_events"] as? [String] == ["*"])
            #expect(updated["status"] as? String == "disabled")
            let list = try await client.get("/v1/webhook_endpoints", key: merchant.key)
            #expect((list["data"] as? [[String: Any]])?.map { $0["id"] as? String } == [created.id])
            let other = try await client.createMerchant(adminKey: app.adminKey)
            let foreign = try await client.get("/v1/webhook_endpoints/\(created.id)", key: other.key)
            #expect(foreign.status == 404, "endpoints are scoped by account")
            let deleted = try await client.delete("/v1/webhook_endpoints/\(created.id)", key: merchant.key)
            #expect(deleted["deleted"] as? Bool == true)
            #expect(try await client.get("/v1/webhook_endpoints/\(created.id)", key: merchant.key).status == 404)
        }
    }

    @Test(arguments: TestEngine.available)
    func badEndpointsAreRefusedWithStripeErrors(engine: TestEngine) async throws {
        let app = try await WebhookHarness.app(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let cases: [([(String, String)], String)] = [
                ([("enabled_events[]", "*")], "url"),
                ([("url", "https://example.com")], "enabled_events"),
                ([("url", "ftp://example.com"), ("enabled_events[]", "*")], "url"),
                ([("url", "not a url"), ("enabled_events[]", "*")], "url"),
                ([("url", "https://example.com"), ("enabled_events[]", "charge.succeded")], "enabled_events[0]"),
            ]
            for (parameters, param) in cases {
                let result = try await client.post("/v1/webhook_endpoints", parameters, key: merchant.key)
                #expect(result.status == 400)
                #expect(result.error["param"] as? String == param, "\(parameters)")
            }
            let list = try await client.get("/v1/webhook_endpoints", key: merchant.key)
            #expect((list["data"] as? [Any])?.isEmpty == true, "a refused request changes nothing")
        }
    }
}
