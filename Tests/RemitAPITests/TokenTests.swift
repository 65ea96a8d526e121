import Foundation
import RemitApp
import RemitStore
import RemitTesting
import Testing

/// Card tokens through the router (research/payment-intents.md §6, §12 behaviour 24).
struct TokenTests {
    static func token(_ client: APITestClient, _ key: String, number: String = "4242424242424242") async throws
        -> APIResult
    {
        try await client.post("/v1/tokens", [
            ("card[number]", number), ("card[exp_month]", "12"), ("card[exp_year]", "2034"), ("card[cvc]", "123"),
            ("card[name]", "Jenny Rosen"),
        ], key: key)
    }

    @Test(arguments: TestEngine.available)
    func aTokenIsUsedOnce(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let token = try await Self.token(client, merchant.key)
            #expect(token.status == 200, "\(token.body)")
            #expect(token["object"] as? String == "token" && token["used"] as? Bool == false)
            let card = try #require(token["card"] as? [String: Any])
            #expect(card["brand"] as? String == "Visa" && card["name"] as? String == "Jenny Rosen")
            let charge = try await client.post("/v1/charges", [("amount", "900"), ("currency", "usd"), ("source", token.id)],
                                               key: merchant.key)
            #expect(charge.status == 200, "\(charge.body)")
            #expect(charge["payment_method"] as? String == card["id"] as? String)
            let fetched = try await client.get("/v1/tokens/\(token.id)", key: merchant.key)
            #expect(fetched["used"] as? Bool == true)
            let again = try await client.post("/v1/charges", [("amount", "900"), ("currency", "usd"), ("source", token.id)],
                                              key: merchant.key)
            #expect(again.status == 400 && again.error["code"] as? String == "token_already_used")
            #expect(again.error["message"] as? String == "You cannot use a Stripe token more than once: \(token.id).")
            for _ in 0..<2 {
                let named = try await client.post("/v1/charges", [("amount", "900"), ("currency", "usd"),
                                                                  ("source", "tok_visa")], key: merchant.key)
                #expect(named.status == 200, "a named test token works any number of times")
            }

            let forMethod = try await Self.token(client, merchant.key, number: "5555555555554444")
            let method = try await client.post("/v1/payment_methods", [("type", "card"), ("card[token]", forMethod.id)],
                                               key: merchant.key)
            #expect(method.status == 200 && (method["card"] as? [String: Any])?["brand"] as? String == "mastercard")
            let reused = try await client.post("/v1/payment_methods", [("type", "card"), ("card[token]", forMethod.id)],
                                               key: merchant.key)
            #expect(reused.status == 400 && reused.error["code"] as? String == "token_already_used")

            let declining = try await Self.token(client, merchant.key, number: "4000000000000002")
            let declined = try await client.post("/v1/charges", [("amount", "900"), ("currency", "usd"),
                                                                 ("source", declining.id)], key: merchant.key)
            #expect(declined.status == 402, "a token keeps its card's behaviour")

            let forCustomer = try await Self.token(client, merchant.key)
            let customer = try await client.post("/v1/customers", [("source", forCustomer.id)], key: merchant.key)
            #expect(customer.status == 200, "\(customer.body)")
            for _ in 0..<2 {
                let byDefault = try await client.post("/v1/charges", [("amount", "900"), ("currency", "usd"),
                                                                      ("customer", customer.id)], key: merchant.key)
                #expect(byDefault.status == 200, "the customer keeps the token's card: \(byDefault.body)")
            }
            let missing = try await client.get("/v1/tokens/tok_nothing", key: merchant.key)
            #expect(missing.status == 404)
            let bad = try await client.post("/v1/tokens", [("card[number]", "4242424242424241"), ("card[exp_month]", "1"),
                                                           ("card[exp_year]", "2034")], key: merchant.key)
            #expect(bad.status == 402 && bad.error["code"] as? String == "incorrect_number")
        }
    }

    /// Two charges racing for one token: one uses it, the other gets `token_already_used`.
    @Test(arguments: TestEngine.available)
    func racingChargesUseATokenOnce(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let token = try await Self.token(client, merchant.key)
            let results = try await withThrowingTaskGroup(of: APIResult.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await client.post("/v1/charges", [("amount", "900"), ("currency", "usd"), ("source", token.id)],
                                              key: merchant.key)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { $0.status == 200 }.count == 1, "\(results.map(\.status))")
            #expect(results.filter { $0.status != 200 }.allSatisfy { $0.error["code"] as? String == "token_already_used" },
                    "\(results.map(\.body))")
        }
    }
}
