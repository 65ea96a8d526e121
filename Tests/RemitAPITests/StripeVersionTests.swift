import Foundation
import HTTPTypes
import RemitCore
import RemitTesting
import Testing

/// `Stripe-Version`: a released version (with or without beta flags) is accepted; anything else gets Stripe's 400.
struct StripeVersionTests {
    @Test(arguments: TestEngine.available)
    func aReleasedVersionIsAcceptedAndAnyOtherRefusedAsStripeRefusesIt(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            for (accepted, name) in [("2026-10-28.endive", "2026-10-28.endive"), ("2023-10-16", "2023-10-16"),
                                     ("2020-08-27; unified_accounts_beta=v1", "2020-08-27"), (" 2024-06-20 ", "2024-06-20")] {
                let result = try await client.get("/v1/balance", key: merchant.key, headers: ["Stripe-Version": accepted])
                #expect(result.status == 200, "\(accepted): \(result.body)")
                #expect(result.header("Stripe-Version") == name, "the version the answer speaks")
            }
            for refused in ["2019-2-19", "2025-09-30.acacia", "2019-05-16, 2019-12-03", "latest", "",
                            String(repeating: "9", count: StripeAPIVersion.headerBytesMax + 1)] {
                let result = try await client.post("/v1/charges", [("amount", "100"), ("currency", "usd"), ("source", "tok_visa")],
                                                   key: merchant.key, headers: ["Stripe-Version": refused])
                #expect(result.status == 400, "\(refused)")
                let error = try #require(result.json["error"] as? [String: Any])
                #expect(error["type"] as? String == "invalid_request_error")
                #expect(error["code"] == nil, "Stripe's answer has no code")
                #expect((error["message"] as? String)?.hasPrefix("Invalid Stripe API version: ") == true)
            }
            let endpoint = try await client.post("/v1/webhook_endpoints",
                                                 [("url", "https://example.com/hook"), ("enabled_events[]", "*"),
                                                  ("api_version", "2025-09-30.acacia")], key: merchant.key)
            #expect(endpoint.status == 400 && endpoint.error["param"] as? String == "api_version")
            let charges = try await client.get("/v1/charges", key: merchant.key)
            #expect((charges["data"] as? [Any])?.isEmpty == true, "a refused request moved no money")
        }
    }

    @Test func twoHeadersAreTwoVersions() async throws {
        let app = try await RemitTestApp.make(.sqlite)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            var headers: HTTPFields = [.authorization: "Bearer \(merchant.key)"]
            headers.append(HTTPField(name: HTTPField.Name("Stripe-Version")!, value: "2019-05-16"))
            headers.append(HTTPField(name: HTTPField.Name("Stripe-Version")!, value: "2019-12-03"))
            let result = try await client.raw("/v1/balance", method: .get, headers: headers, body: nil)
            #expect(result.status == 400)
            #expect(result.body.contains("Invalid Stripe API version: 2019-05-16, 2019-12-03"))
        }
    }

    /// The first request pins the account's version; requests without the header speak it, and its events carry it
    /// (research/payment-intents.md §8).
    @Test(arguments: TestEngine.available)
    func theFirstRequestPinsTheAccountsVersion(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let modern = try await client.createMerchant(adminKey: app.adminKey)
            let first = try await client.get("/v1/balance", key: modern.key)
            #expect(first.header("Stripe-Version") == StripeAPIVersion.current, "no header: Remit's current version")

            let legacy = try await client.createMerchant(adminKey: app.adminKey)
            let pinned = try await client.get("/v1/balance", key: legacy.key, headers: ["Stripe-Version": "2022-08-01"])
            #expect(pinned.header("Stripe-Version") == "2022-08-01")
            let later = try await client.get("/v1/balance", key: legacy.key)
            #expect(later.header("Stripe-Version") == "2022-08-01", "a request without the header speaks the pinned version")
            let newer = try await client.get("/v1/balance", key: legacy.key, headers: ["Stripe-Version": "2024-06-20"])
            #expect(newer.header("Stripe-Version") == "2024-06-20", "the header still overrides for one request")
            #expect(try await client.get("/v1/balance", key: legacy.key).header("Stripe-Version") == "2022-08-01",
                    "and does not move the pin")
            _ = try await client.post("/v1/customers", [], key: legacy.key)
            let events = try await client.get("/v1/events", key: legacy.key)
            #expect((events["data"] as? [[String: Any]])?.first?["api_version"] as? String == "2022-08-01")
            let acting = try await client.get("/v1/balance", key: app.adminKey, headers: ["Stripe-Account": legacy.id])
            #expect(acting.header("Stripe-Version") != "2022-08-01", "a platform acting for a merchant speaks its own")
        }
    }

    /// Before 2022-11-15 a PaymentIntent lists its charges and a charge its refunds; before 2023-08-16 an intent
    /// created without payment method types is a card intent without automatic payment methods.
    @Test(arguments: TestEngine.available)
    func olderVersionsGetTheShapesTheyKnew(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let old: [String: String] = ["Stripe-Version": "2022-08-01"]
            let intent = try await client.post("/v1/payment_intents", [
                ("amount", "3000"), ("currency", "usd"), ("payment_method", "pm_card_visa"), ("confirm", "true"),
            ], key: merchant.key, headers: old)
            #expect(intent.status == 200, "no return_url is needed without automatic payment methods: \(intent.body)")
            #expect(intent["payment_method_types"] as? [String] == ["card"] && intent["automatic_payment_methods"] is NSNull)
            let charges = try #require(intent["charges"] as? [String: Any])
            let listed = try #require(charges["data"] as? [[String: Any]])
            #expect(listed.map { $0["id"] as? String } == [intent["latest_charge"] as? String])
            #expect(charges["url"] as? String == "/v1/charges?payment_intent=\(intent.id)" && charges["total_count"] as? Int == 1)

            let chargeID = try #require(intent["latest_charge"] as? String)
            _ = try await client.post("/v1/refunds", [("charge", chargeID), ("amount", "500")], key: merchant.key)
            let charge = try await client.get("/v1/charges/\(chargeID)", key: merchant.key, headers: old)
            let refunds = try #require(charge["refunds"] as? [String: Any])
            #expect((refunds["data"] as? [[String: Any]])?.first?["amount"] as? Int == 500)

            let current: [String: String] = ["Stripe-Version": "2024-06-20"]
            let now = try await client.get("/v1/payment_intents/\(intent.id)", key: merchant.key, headers: current)
            #expect(now.json["charges"] == nil)
            #expect(try await client.get("/v1/charges/\(chargeID)", key: merchant.key, headers: current).json["refunds"] == nil)
            let automatic = try await client.post("/v1/payment_intents", [("amount", "3000"), ("currency", "usd")],
                                                  key: merchant.key, headers: current)
            #expect((automatic["automatic_payment_methods"] as? [String: Any])?["enabled"] as? Bool == true)
        }
    }
}
