import Foundation
import RemitApp
import RemitTesting
import Testing

/// Publishable keys (issue #22 §7, research/payment-intents.md §7): what Stripe.js may do with one, and nothing else.
struct PublishableKeyTests {
    /// A merchant with both its keys.
    static func merchant(_ client: APITestClient, _ adminKey: String) async throws -> (secret: String, publishable: String) {
        let account = try await client.post("/v1/accounts", [], key: adminKey)
        let publishable = try #require(account["publishable_key"] as? String)
        return (try #require(account["secret_key"] as? String), publishable)
    }

    static func card(_ client: APITestClient, key: String?, _ extra: [(String, String)] = []) async throws -> APIResult {
        try await client.post("/v1/payment_methods", [
            ("type", "card"), ("card[number]", "4242424242424242"), ("card[exp_month]", "12"),
            ("card[exp_year]", "2031"), ("card[cvc]", "123"),
        ] + extra, key: key)
    }

    @Test(arguments: TestEngine.available)
    func aPublishableKeyDoesWhatStripeJSDoesAndNothingElse(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let keys = try await Self.merchant(client, app.adminKey)
            #expect(keys.publishable.hasPrefix("pk_test_") && keys.publishable.count == 40)

            let method = try await Self.card(client, key: keys.publishable)
            #expect(method.status == 200 && method.id.hasPrefix("pm_"), "\(method.body)")
            let asStripeJS = try await Self.card(client, key: nil, [("key", keys.publishable)])
            #expect(asStripeJS.status == 200, "Stripe.js sends key= in the form: \(asStripeJS.body)")
            let token = try await client.post("/v1/tokens", [
                ("card[number]", "4242424242424242"), ("card[exp_month]", "12"), ("card[exp_year]", "2031"),
            ], key: keys.publishable)
            #expect(token.status == 200 && token.id.hasPrefix("tok_"))

            for (method, path) in [("GET", "/v1/charges"), ("POST", "/v1/payment_intents"), ("GET", "/v1/customers"),
                                   ("POST", "/v1/refunds"), ("GET", "/v1/payment_intents"),
                                   ("POST", "/v1/payment_intents/pi_x/capture"), ("GET", "/v1/account/keys")] {
                let refused = method == "GET" ? try await client.get(path, key: keys.publishable)
                    : try await client.post(path, [], key: keys.publishable)
                #expect(refused.status == 401, "\(method) \(path)")
                let error = refused["error"] as? [String: Any]
                #expect(error?["code"] as? String == "secret_key_required", "\(method) \(path)")
                #expect(error?["type"] as? String == "invalid_request_error")
            }

            let customer = try await client.post("/v1/customers", [("email", "c@example.com")], key: keys.secret)
            let intent = try await client.post("/v1/payment_intents", [
                ("amount", "2000"), ("currency", "usd"), ("customer", customer.id), ("metadata[order]", "7"),
                ("payment_method_types[]", "card"),
            ], key: keys.secret)
            let secret = try #require(intent["client_secret"] as? String)
            let path = "/v1/payment_intents/\(intent.id)"

            let seen = try await client.get(path, [("client_secret", secret)], key: keys.publishable)
            #expect(seen.status == 200, "\(seen.body)")
            #expect(seen["client_secret"] as? String == secret && seen["amount"] as? Int == 2000)
            #expect(seen.json["customer"] == nil && seen.json["metadata"] == nil && seen.json["latest_charge"] == nil,
                    "the browser's view leaves out customer, metadata and charges")
            #expect(try await client.get(path, [("client_secret", secret), ("key", keys.publishable)], key: nil).status == 200)
            let noSecret = try await client.get(path, key: keys.publishable)
            #expect(noSecret.status == 400 && (noSecret["error"] as? [String: Any])?["param"] as? String == "client_secret")
            let wrong = try await client.get(path, [("client_secret", secret + "x")], key: keys.publishable)
            #expect(wrong.status == 400 && (wrong["error"] as? [String: Any])?["param"] as? String == "client_secret")
            #expect(try await client.get(path, [("client_secret", secret + "x")], key: keys.secret).status == 400,
                    "a client secret given with a secret key is checked too")
            let expanded = try await client.get(path, [("client_secret", secret), ("expand[]", "customer")],
                                                key: keys.publishable)
            #expect(expanded.status == 400)
            let stranger = try await Self.merchant(client, app.adminKey)
            #expect(try await client.get(path, [("client_secret", secret)], key: stranger.publishable).status == 404)

            let confirmed = try await client.post("\(path)/confirm", [
                ("client_secret", secret), ("payment_method", method.id), ("return_url", "https://shop.example/done"),
            ], key: keys.publishable)
            #expect(confirmed.status == 200, "\(confirmed.body)")
            #expect(confirmed["status"] as? String == "succeeded" && confirmed.json["customer"] == nil)
            let full = try await client.get(path, key: keys.secret)
            #expect(full["customer"] as? String == customer.id && (full["latest_charge"] as? String)?.hasPrefix("ch_") == true)

            let manual = try await client.post("/v1/payment_intents", [
                ("amount", "2000"), ("currency", "usd"), ("confirmation_method", "manual"),
                ("payment_method_types[]", "card"),
            ], key: keys.secret)
            let server = try await client.post("/v1/payment_intents/\(manual.id)/confirm", [
                ("client_secret", manual["client_secret"] as? String ?? ""), ("payment_method", "pm_card_visa"),
            ], key: keys.publishable)
            #expect(server.status == 400, "confirmation_method=manual is confirmed from the server: \(server.body)")
            #expect(try await client.post("/v1/payment_intents/\(manual.id)/confirm", [("payment_method", "pm_card_visa")],
                                          key: keys.publishable).status == 400)

            // SetupIntents: retrieve, confirm, cancel with the client secret.
            let setup = try await client.post("/v1/setup_intents", [("payment_method_types[]", "card")], key: keys.secret)
            let setupSecret = try #require(setup["client_secret"] as? String)
            let setupPath = "/v1/setup_intents/\(setup.id)"
            #expect(try await client.get(setupPath, [("client_secret", setupSecret)], key: keys.publishable).status == 200)
            let setupConfirmed = try await client.post("\(setupPath)/confirm", [
                ("client_secret", setupSecret), ("payment_method", (try await Self.card(client, key: keys.publishable)).id),
            ], key: keys.publishable)
            #expect(setupConfirmed.status == 200 && setupConfirmed["status"] as? String == "succeeded", "\(setupConfirmed.body)")
            let other = try await client.post("/v1/setup_intents", [("payment_method_types[]", "card")], key: keys.secret)
            #expect(try await client.post("/v1/setup_intents/\(other.id)/cancel", [("client_secret", setupSecret)],
                                          key: keys.publishable).status == 400, "another intent's secret")
            let canceled = try await client.post("/v1/setup_intents/\(other.id)/cancel", [
                ("client_secret", other["client_secret"] as? String ?? ""),
            ], key: keys.publishable)
            #expect(canceled["status"] as? String == "canceled")
        }
    }

    @Test(arguments: TestEngine.available)
    func rollingKeysKeepsThePublishableKey(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let keys = try await Self.merchant(client, app.adminKey)
            let listed = try await client.get("/v1/account/keys", key: keys.secret)
            let data = try #require(listed["data"] as? [[String: Any]])
            #expect(Set(data.compactMap { $0["type"] as? String }) == ["secret", "publishable"])
            #expect(data.contains { $0["redacted_value"] as? String == keys.publishable }, "a publishable key is public")
            let rolled = try await client.post("/v1/account/keys/roll", [("expires_in", "0")], key: keys.secret)
            #expect(rolled.status == 200)
            #expect(try await client.get("/v1/charges", key: keys.secret).status == 401)
            #expect(try await Self.card(client, key: keys.publishable).status == 200)
        }
    }
}
