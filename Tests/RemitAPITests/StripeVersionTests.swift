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
            for accepted in ["2026-10-28.endive", "2023-10-16", "2020-08-27; unified_accounts_beta=v1", " 2024-06-20 "] {
                let result = try await client.get("/v1/balance", key: merchant.key, headers: ["Stripe-Version": accepted])
                #expect(result.status == 200, "\(accepted): \(result.body)")
                #expect(result.header("Stripe-Version") == StripeAPIVersion.current, "the version Remit rendered")
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
}
