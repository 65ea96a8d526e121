import Foundation
import RemitApp
import RemitStore
import RemitTesting
import Testing

/// SetupIntents through the router (research/payment-intents.md §4 and §12, behaviours 19–21).
struct SetupIntentTests {
    static let cardOnly = [("payment_method_types[]", "card")]

    @Test(arguments: TestEngine.available)
    func aSetUpCardIsAttachedWithoutMovingMoney(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let customer = try await client.post("/v1/customers", [("email", "s@example.com")], key: merchant.key)
            let intent = try await client.post("/v1/setup_intents", [
                ("customer", customer.id), ("payment_method", "pm_card_visa"), ("confirm", "true"),
            ] + Self.cardOnly, key: merchant.key)
            #expect(intent.status == 200, "\(intent.body)")
            #expect(intent["status"] as? String == "succeeded" && intent["usage"] as? String == "off_session")
            let secret = try #require(intent["client_secret"] as? String)
            #expect(secret.range(of: "^seti_[^_]+_secret_[^_]+$", options: .regularExpression) != nil)
            let method = try #require(intent["payment_method"] as? String)
            let attached = try await client.get("/v1/payment_methods/\(method)", key: merchant.key)
            #expect(attached["customer"] as? String == customer.id)
            let after = try await client.get("/v1/customers/\(customer.id)", key: merchant.key)
            #expect((after["invoice_settings"] as? [String: Any])?["default_payment_method"] is NSNull,
                    "a setup leaves the default payment method alone")
            #expect(try await PaymentIntentTests.events(client, merchant.key, "*") == [
                "customer.created", "setup_intent.created", "payment_method.attached", "setup_intent.succeeded",
            ])
            let balance = try await client.get("/v1/balance", key: merchant.key)
            #expect(((balance["available"] as? [[String: Any]]) ?? []).allSatisfy { $0["amount"] as? Int == 0 })
            let listed = try await client.get("/v1/setup_intents", [("customer", customer.id)], key: merchant.key)
            #expect(((listed["data"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } == [intent.id])
            let again = try await client.post("/v1/setup_intents/\(intent.id)/confirm", key: merchant.key)
            #expect(again.status == 400 && again.error["code"] as? String == "setup_intent_unexpected_state")
            #expect((again.error["setup_intent"] as? [String: Any])?["id"] as? String == intent.id)
            let cancel = try await client.post("/v1/setup_intents/\(intent.id)/cancel", key: merchant.key)
            #expect(cancel.status == 400)
        }
    }

    @Test(arguments: TestEngine.available)
    func aCardThatFailsItsCheckLeavesTheIntentOpen(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let customer = try await client.post("/v1/customers", [("email", "s@example.com")], key: merchant.key)
            let declined = try await client.post("/v1/setup_intents", [
                ("customer", customer.id), ("payment_method", "pm_card_chargeDeclined"), ("confirm", "true"),
            ] + Self.cardOnly, key: merchant.key)
            #expect(declined.status == 402 && declined.error["code"] as? String == "card_declined")
            let intent = try #require(declined.error["setup_intent"] as? [String: Any])
            #expect(intent["status"] as? String == "requires_payment_method")
            #expect((intent["last_setup_error"] as? [String: Any])?["decline_code"] as? String == "generic_decline")
            let id = try #require(intent["id"] as? String)
            let noMethod = try await client.post("/v1/setup_intents/\(id)/confirm", key: merchant.key)
            #expect(noMethod.status == 400 && (noMethod.error["message"] as? String)?.contains("missing a payment method") == true)
            let retried = try await client.post("/v1/setup_intents/\(id)/confirm", [("payment_method", "pm_card_mastercard")],
                                                key: merchant.key)
            #expect(retried["status"] as? String == "succeeded", "\(retried.body)")
            #expect(try await PaymentIntentTests.events(client, merchant.key, "setup_intent.*")
                    == ["setup_intent.created", "setup_intent.setup_failed", "setup_intent.succeeded"])
            let open = try await client.post("/v1/setup_intents", Self.cardOnly, key: merchant.key)
            let canceled = try await client.post("/v1/setup_intents/\(open.id)/cancel",
                                                 [("cancellation_reason", "abandoned")], key: merchant.key)
            #expect(canceled["status"] as? String == "canceled" && canceled["cancellation_reason"] as? String == "abandoned")
            let automatic = try await client.post("/v1/setup_intents", [("payment_method", "pm_card_visa"),
                                                                        ("confirm", "true")], key: merchant.key)
            #expect(automatic.status == 400 && automatic.error["param"] as? String == "return_url")
        }
    }

    /// 4000002500003155 authenticates at setup; the card then pays off session with no challenge.
    @Test(arguments: TestEngine.available)
    func aChallengedSetupLetsTheCardPayOffSession(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let customer = try await client.post("/v1/customers", [("email", "s@example.com")], key: merchant.key)
            let intent = try await client.post("/v1/setup_intents", [
                ("customer", customer.id), ("payment_method", "pm_card_authenticationRequiredOnSetup"),
                ("confirm", "true"), ("return_url", ThreeDSecureTests.returnURL),
            ] + Self.cardOnly, key: merchant.key)
            #expect(intent["status"] as? String == "requires_action", "\(intent.body)")
            let url = ((intent["next_action"] as? [String: Any])?["redirect_to_url"] as? [String: Any])?["url"] as? String
            let page = try #require(URLComponents(string: url ?? "")?.path)
            #expect(try await client.get(page, key: nil).body.contains("saving a card"))
            let answered = try await ThreeDSecureTests.answer(client, page, "complete")
            let query = ThreeDSecureTests.redirectQuery(answered)
            #expect(query["setup_intent"] == intent.id && query["redirect_status"] == "succeeded")
            #expect(query["setup_intent_client_secret"] == intent["client_secret"] as? String)
            let done = try await client.get("/v1/setup_intents/\(intent.id)", key: merchant.key)
            #expect(done["status"] as? String == "succeeded")
            let method = try #require(done["payment_method"] as? String)
            let offSession = try await client.post("/v1/payment_intents", [
                ("amount", "1500"), ("currency", "eur"), ("customer", customer.id), ("payment_method", method),
                ("confirm", "true"), ("off_session", "true"),
            ] + Self.cardOnly, key: merchant.key)
            #expect(offSession["status"] as? String == "succeeded", "\(offSession.body)")

            let failing = try await client.post("/v1/setup_intents", [
                ("customer", customer.id), ("payment_method", "pm_card_authenticationRequired"),
                ("confirm", "true"), ("return_url", ThreeDSecureTests.returnURL),
            ] + Self.cardOnly, key: merchant.key)
            let failURL = ((failing["next_action"] as? [String: Any])?["redirect_to_url"] as? [String: Any])?["url"] as? String
            let failed = try await ThreeDSecureTests.answer(client, URLComponents(string: failURL ?? "")?.path ?? "", "fail")
            #expect(ThreeDSecureTests.redirectQuery(failed)["redirect_status"] == "failed")
            let open = try await client.get("/v1/setup_intents/\(failing.id)", key: merchant.key)
            #expect(open["status"] as? String == "requires_payment_method")
            #expect((open["last_setup_error"] as? [String: Any])?["code"] as? String == "setup_intent_authentication_failure")
        }
    }
}
