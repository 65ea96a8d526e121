import Foundation
import RemitTesting
import Testing

struct CustomerTests {
    @Test(arguments: TestEngine.available)
    func customerLifecycleWithEvents(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let created = try await client.post("/v1/customers", [
                ("email", "jane@example.com"), ("name", "Jane"), ("payment_method", "pm_card_visa"),
                ("invoice_settings[default_payment_method]", "pm_card_visa"), ("address[city]", "Paris"), ("address[country]", "FR"), ("metadata[a]", "1"),
            ], key: merchant.key)
            #expect(created.status == 200)
            let settings = created["invoice_settings"] as? [String: Any]
            let method = try #require(settings?["default_payment_method"] as? String)
            #expect(method.hasPrefix("pm_") && !method.hasPrefix("pm_card_"), "the named test method is minted once")
            let attached = try await client.get("/v1/payment_methods/\(method)", key: merchant.key)
            #expect(attached["customer"] as? String == created.id)
            let charge = try await client.post("/v1/charges", [
                ("amount", "1500"), ("currency", "usd"), ("customer", created.id), ("expand[]", "customer"),
            ], key: merchant.key)
            #expect(charge.status == 200, "a customer's default payment method is charged")
            #expect((charge["customer"] as? [String: Any])?["email"] as? String == "jane@example.com")
            let updated = try await client.post("/v1/customers/\(created.id)", [
                ("name", "Jane Doe"), ("metadata[a]", ""), ("metadata[b]", "2"),
            ], key: merchant.key)
            #expect(updated["name"] as? String == "Jane Doe")
            #expect((updated["metadata"] as? [String: String]) == ["b": "2"])
            let events = try await client.get("/v1/events", [("type", "customer.updated")], key: merchant.key)
            let event = try #require((events["data"] as? [[String: Any]])?.first)
            let previous = (event["data"] as? [String: Any])?["previous_attributes"] as? [String: Any]
            #expect(previous?["name"] as? String == "Jane")
            let byEmail = try await client.get("/v1/customers", [("email", "jane@example.com")], key: merchant.key)
            #expect((byEmail["data"] as? [Any])?.count == 1)
            let deleted = try await client.delete("/v1/customers/\(created.id)", key: merchant.key)
            #expect(deleted["deleted"] as? Bool == true)
            let afterwards = try await client.get("/v1/customers/\(created.id)", key: merchant.key)
            #expect(afterwards.status == 200)
            #expect(afterwards["deleted"] as? Bool == true)
            let again = try await client.delete("/v1/customers/\(created.id)", key: merchant.key)
            #expect(again.status == 404)
        }
    }

    @Test(arguments: TestEngine.available)
    func metadataLimitsAreEnforced(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let tooMany = (0...50).map { ("metadata[k\($0)]", "v") }
            let many = try await client.post("/v1/customers", tooMany, key: merchant.key)
            #expect(many.status == 400)
            #expect(many.error["param"] as? String == "metadata")
            let longKey = try await client.post("/v1/customers", [("metadata[\(String(repeating: "k", count: 41))]", "v")],
                                                key: merchant.key)
            #expect(longKey.status == 400)
            let longValue = try await client.post("/v1/customers", [("metadata[k]", String(repeating: "v", count: 501))],
                                                  key: merchant.key)
            #expect(longValue.status == 400)
            let fifty = (0..<50).map { ("metadata[k\($0)]", "v") }
            #expect(try await client.post("/v1/customers", fifty, key: merchant.key).status == 200)
            let list = try await client.get("/v1/customers", key: merchant.key)
            #expect((list["data"] as? [Any])?.count == 1)
        }
    }
}
