import Foundation
import RemitTesting
import Testing

struct AccountTests {
    @Test(arguments: TestEngine.available)
    func platformCreatesMerchantsAndActsForThem(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let created = try await client.post("/v1/accounts", [
                ("type", "custom"), ("country", "FR"), ("email", "shop@example.com"),
                ("business_profile[name]", "Shop"), ("metadata[tier]", "gold"),
            ], key: app.adminKey)
            #expect(created.status == 200)
            #expect(created["object"] as? String == "account")
            #expect(created["default_currency"] as? String == "eur")
            let key = try #require(created["secret_key"] as? String)
            #expect(key.hasPrefix("sk_test_"))
            let own = try await client.get("/v1/account", key: key)
            #expect(own.id == created.id)
            #expect(own["secret_key"] == nil, "the key is shown once")
            let denied = try await client.post("/v1/accounts", [], key: key)
            #expect(denied.status == 403)
            let customer = try await client.post("/v1/customers", [("email", "c@example.com")], key: app.adminKey,
                                                 headers: ["Stripe-Account": created.id])
            #expect(customer.status == 200)
            let seen = try await client.get("/v1/customers/\(customer.id)", key: key)
            #expect(seen.status == 200, "the platform acted as the merchant")
            let other = try await client.createMerchant(adminKey: app.adminKey)
            let hidden = try await client.get("/v1/customers/\(customer.id)", key: other.key)
            #expect(hidden.status == 404, "another account's object reads as missing")
            let impersonation = try await client.get("/v1/account", key: other.key, headers: ["Stripe-Account": created.id])
            #expect(impersonation.status == 403)
        }
    }

    @Test(arguments: TestEngine.available)
    func keysAreCheckedAndNeverEchoed(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let none = try await client.get("/v1/account", key: nil)
            #expect(none.status == 401)
            let wrong = try await client.get("/v1/account", key: "sk_test_wrongwrongwrong1234")
            #expect(wrong.status == 401)
            #expect(!wrong.body.contains("wrongwrongwrong"), "only the key's hint is shown")
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let basic = Data("\(merchant.key):".utf8).base64EncodedString()
            let viaBasic = try await client.get("/v1/account", key: nil, headers: ["Authorization": "Basic \(basic)"])
            #expect(viaBasic.status == 200)
        }
    }
}
