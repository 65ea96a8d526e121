import Foundation
import RemitApp
import RemitStore
import RemitTesting
import Testing

/// PaymentIntents through the router, without 3-D Secure (research/payment-intents.md §12, behaviours 1–12, 28, 30).
struct PaymentIntentTests {
    static let cardOnly = [("payment_method_types[]", "card")]

    static func events(_ client: APITestClient, _ key: String, _ type: String) async throws -> [String] {
        let events = try await client.get("/v1/events", [("type", type), ("limit", "100")], key: key)
        return ((events["data"] as? [[String: Any]]) ?? []).compactMap { $0["type"] as? String }.reversed()
    }

    @Test(arguments: TestEngine.available)
    func confirmingCollectsThroughOneCharge(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let created = try await client.post("/v1/payment_intents", [
                ("amount", "2000"), ("currency", "usd"), ("metadata[order]", "42"),
            ] + Self.cardOnly, key: merchant.key)
            #expect(created.status == 200, "\(created.body)")
            #expect(created["status"] as? String == "requires_payment_method")
            #expect(created["payment_method_types"] as? [String] == ["card"])
            let secret = try #require(created["client_secret"] as? String)
            #expect(secret.range(of: "^pi_[^_]+_secret_[^_]+$", options: .regularExpression) != nil, "\(secret)")
            #expect(try await Self.events(client, merchant.key, "payment_intent.*") == ["payment_intent.created"])

            let noMethod = try await client.post("/v1/payment_intents/\(created.id)/confirm", key: merchant.key)
            #expect(noMethod.status == 400 && noMethod.error["code"] as? String == "payment_intent_unexpected_state")
            #expect((noMethod.error["message"] as? String)?.contains("missing a payment method") == true)
            #expect((noMethod.error["payment_intent"] as? [String: Any])?["id"] as? String == created.id)

            let tooSmall = try await client.post("/v1/payment_intents/\(created.id)", [("amount", "10")], key: merchant.key)
            #expect(tooSmall.status == 400 && tooSmall.error["code"] as? String == "amount_too_small",
                    "an update is held to the intent's currency minimum: \(tooSmall.body)")
            let withMethod = try await client.post("/v1/payment_intents/\(created.id)", [("payment_method", "pm_card_visa")],
                                                   key: merchant.key)
            #expect(withMethod["status"] as? String == "requires_confirmation")
            let method = try #require(withMethod["payment_method"] as? String)
            #expect(method.hasPrefix("pm_") && method != "pm_card_visa")
            let confirmed = try await client.post("/v1/payment_intents/\(created.id)/confirm",
                                                  [("expand[]", "latest_charge")], key: merchant.key)
            #expect(confirmed.status == 200, "\(confirmed.body)")
            #expect(confirmed["status"] as? String == "succeeded" && confirmed["amount_received"] as? Int == 2000)
            let charge = try #require(confirmed["latest_charge"] as? [String: Any])
            #expect(charge["payment_intent"] as? String == created.id && charge["captured"] as? Bool == true)
            #expect(charge["payment_method"] as? String == method)
            #expect(try await Self.events(client, merchant.key, "payment_intent.*")
                    == ["payment_intent.created", "payment_intent.succeeded"])

            let again = try await client.post("/v1/payment_intents/\(created.id)/confirm", key: merchant.key)
            #expect(again.status == 400 && again.error["code"] as? String == "payment_intent_unexpected_state")
            #expect(again.error["message"] as? String
                    == "You cannot confirm this PaymentIntent because it has already succeeded after being previously confirmed.")
            let cancel = try await client.post("/v1/payment_intents/\(created.id)/cancel", key: merchant.key)
            #expect(cancel.status == 400 && (cancel.error["message"] as? String)?.hasPrefix(
                "You cannot cancel this PaymentIntent because it has a status of succeeded.") == true)
            let amount = try await client.post("/v1/payment_intents/\(created.id)", [("amount", "3000")], key: merchant.key)
            #expect(amount.status == 400 && amount.error["param"] as? String == "amount")

            let byIntent = try await client.get("/v1/charges", [("payment_intent", created.id)], key: merchant.key)
            #expect(((byIntent["data"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
                    == [charge["id"] as? String ?? ""])
            let listed = try await client.get("/v1/payment_intents", key: merchant.key)
            #expect((listed["data"] as? [Any])?.count == 1)
            let balance = try await client.get("/v1/balance", key: merchant.key)
            #expect(((balance["pending"] as? [[String: Any]])?.first?["amount"] as? Int ?? 0) > 0)
            let report = try await LedgerVerifier(database: app.runtime.store.database).verify()
            #expect(report.isConsistent, "\(report.problems)")
        }
    }

    @Test(arguments: TestEngine.available)
    func aDeclineKeepsTheIntentOpenForAnotherAttempt(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let declined = try await client.post("/v1/payment_intents", [
                ("amount", "1500"), ("currency", "eur"), ("payment_method", "pm_card_chargeDeclined"), ("confirm", "true"),
            ] + Self.cardOnly, key: merchant.key)
            #expect(declined.status == 402 && declined.error["type"] as? String == "card_error")
            #expect(declined.error["decline_code"] as? String == "generic_decline")
            let intent = try #require(declined.error["payment_intent"] as? [String: Any])
            #expect(intent["status"] as? String == "requires_payment_method" && intent["payment_method"] is NSNull)
            let lastError = try #require(intent["last_payment_error"] as? [String: Any])
            #expect(lastError["code"] as? String == "card_declined")
            #expect((lastError["payment_method"] as? [String: Any])?["object"] as? String == "payment_method")
            let failedCharge = try #require(declined.error["charge"] as? String)
            #expect(intent["latest_charge"] as? String == failedCharge)
            #expect((declined.error["payment_method"] as? [String: Any])?["id"] is String)
            let id = try #require(intent["id"] as? String)

            let retried = try await client.post("/v1/payment_intents/\(id)/confirm", [("payment_method", "pm_card_visa")],
                                                key: merchant.key)
            #expect(retried.status == 200 && retried["status"] as? String == "succeeded", "\(retried.body)")
            #expect(retried["last_payment_error"] is NSNull)
            #expect(retried["latest_charge"] as? String != failedCharge)
            let charges = try await client.get("/v1/charges", [("payment_intent", id)], key: merchant.key)
            let statuses = ((charges["data"] as? [[String: Any]]) ?? []).compactMap { $0["status"] as? String }
            #expect(statuses == ["succeeded", "failed"])
            #expect(try await Self.events(client, merchant.key, "*").filter { !$0.hasPrefix("payment_method.") } == [
                "payment_intent.created", "charge.failed", "payment_intent.payment_failed", "charge.succeeded",
                "payment_intent.succeeded",
            ])
        }
    }

    @Test(arguments: TestEngine.available)
    func manualCaptureHoldsThenCollectsOrReleases(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            func authorize(_ amount: String) async throws -> APIResult {
                try await client.post("/v1/payment_intents", [
                    ("amount", amount), ("currency", "usd"), ("payment_method", "pm_card_visa"), ("confirm", "true"),
                    ("capture_method", "manual"),
                ] + Self.cardOnly, key: merchant.key)
            }
            let held = try await authorize("1000")
            #expect(held["status"] as? String == "requires_capture" && held["amount_capturable"] as? Int == 1000)
            let chargeID = try #require(held["latest_charge"] as? String)
            let uncaptured = try await client.get("/v1/charges/\(chargeID)", key: merchant.key)
            #expect(uncaptured["captured"] as? Bool == false)
            let direct = try await client.post("/v1/charges/\(chargeID)/capture", key: merchant.key)
            #expect(direct.status == 400, "an intent's charge is captured through the intent")
            let tooMuch = try await client.post("/v1/payment_intents/\(held.id)/capture", [("amount_to_capture", "1001")],
                                                key: merchant.key)
            #expect(tooMuch.status == 400 && tooMuch.error["param"] as? String == "amount_to_capture")
            let captured = try await client.post("/v1/payment_intents/\(held.id)/capture", [("amount_to_capture", "600")],
                                                 key: merchant.key)
            #expect(captured.status == 200, "\(captured.body)")
            #expect(captured["status"] as? String == "succeeded" && captured["amount_received"] as? Int == 600)
            #expect(captured["amount_capturable"] as? Int == 0)
            let charge = try await client.get("/v1/charges/\(chargeID)", key: merchant.key)
            #expect(charge["amount_captured"] as? Int == 600 && charge["amount_refunded"] as? Int == 400)
            #expect(charge["refunded"] as? Bool == false)
            let twice = try await client.post("/v1/payment_intents/\(held.id)/capture", key: merchant.key)
            #expect(twice.status == 400 && twice.error["code"] as? String == "payment_intent_unexpected_state")

            let released = try await authorize("800")
            let balanceBefore = try await client.get("/v1/balance", key: merchant.key)
            let canceled = try await client.post("/v1/payment_intents/\(released.id)/cancel",
                                                 [("cancellation_reason", "requested_by_customer")], key: merchant.key)
            #expect(canceled["status"] as? String == "canceled", "\(canceled.body)")
            #expect(canceled["cancellation_reason"] as? String == "requested_by_customer")
            #expect(canceled["amount_capturable"] as? Int == 0 && canceled["canceled_at"] is Int)
            let releasedCharge = try await client.get("/v1/charges/\(released["latest_charge"] as? String ?? "")",
                                                      key: merchant.key)
            #expect(releasedCharge["refunded"] as? Bool == true && releasedCharge["captured"] as? Bool == false)
            let balanceAfter = try await client.get("/v1/balance", key: merchant.key)
            #expect(balanceBefore.body == balanceAfter.body, "releasing an authorization moves no money")
            let types = try await Self.events(client, merchant.key, "payment_intent.*")
            #expect(types == ["payment_intent.created", "payment_intent.amount_capturable_updated",
                              "payment_intent.succeeded", "payment_intent.created",
                              "payment_intent.amount_capturable_updated", "payment_intent.canceled"])
            let report = try await LedgerVerifier(database: app.runtime.store.database).verify()
            #expect(report.isConsistent, "\(report.problems)")
        }
    }

    @Test(arguments: TestEngine.available)
    func automaticPaymentMethodsNeedAReturnURL(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let automatic = try await client.post("/v1/payment_intents", [
                ("amount", "1000"), ("currency", "usd"), ("payment_method", "pm_card_visa"),
            ], key: merchant.key)
            #expect((automatic["automatic_payment_methods"] as? [String: Any])?["enabled"] as? Bool == true)
            let refused = try await client.post("/v1/payment_intents/\(automatic.id)/confirm", key: merchant.key)
            #expect(refused.status == 400 && refused.error["param"] as? String == "return_url")
            #expect(refused.error["payment_intent"] is [String: Any])
            let confirmed = try await client.post("/v1/payment_intents/\(automatic.id)/confirm",
                                                  [("return_url", "https://shop.example/done")], key: merchant.key)
            #expect(confirmed["status"] as? String == "succeeded")
            let noRedirects = try await client.post("/v1/payment_intents", [
                ("amount", "1000"), ("currency", "usd"), ("payment_method", "pm_card_visa"), ("confirm", "true"),
                ("automatic_payment_methods[enabled]", "true"), ("automatic_payment_methods[allow_redirects]", "never"),
            ], key: merchant.key)
            #expect(noRedirects["status"] as? String == "succeeded", "\(noRedirects.body)")
            let allowed = try await client.post("/v1/payment_intents", [
                ("amount", "1000"), ("currency", "usd"), ("allowed_payment_method_types[]", "card"),
            ], key: merchant.key)
            #expect(allowed.status == 200 && allowed["automatic_payment_methods"] is NSNull)
            let confirmOnly = try await client.post("/v1/payment_intents", [
                ("amount", "1000"), ("currency", "usd"), ("off_session", "true"),
            ], key: merchant.key)
            #expect(confirmOnly.status == 400 && confirmOnly.error["param"] as? String == "off_session")
            let missing = try await client.get("/v1/payment_intents/pi_nothing", key: merchant.key)
            #expect(missing.status == 404 && missing.error["message"] as? String == "No such payment_intent: 'pi_nothing'")
        }
    }

    @Test(arguments: TestEngine.available)
    func savingTheMethodForLaterAttachesItToTheCustomer(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let customer = try await client.post("/v1/customers", [("email", "c@example.com")], key: merchant.key)
            let saved = try await client.post("/v1/payment_intents", [
                ("amount", "1000"), ("currency", "usd"), ("customer", customer.id), ("payment_method", "pm_card_visa"),
                ("setup_future_usage", "off_session"), ("confirm", "true"),
            ] + Self.cardOnly, key: merchant.key)
            #expect(saved["status"] as? String == "succeeded", "\(saved.body)")
            let method = try #require(saved["payment_method"] as? String)
            let attached = try await client.get("/v1/payment_methods/\(method)", key: merchant.key)
            #expect(attached["customer"] as? String == customer.id)
            let reused = try await client.post("/v1/payment_intents", [
                ("amount", "1200"), ("currency", "usd"), ("customer", customer.id), ("payment_method", method),
                ("confirm", "true"),
            ] + Self.cardOnly, key: merchant.key)
            #expect(reused["status"] as? String == "succeeded", "an attached method pays again: \(reused.body)")

            let once = try await client.post("/v1/payment_intents", [
                ("amount", "1000"), ("currency", "usd"), ("payment_method", "pm_card_visa"), ("confirm", "true"),
            ] + Self.cardOnly, key: merchant.key)
            let spent = try #require(once["payment_method"] as? String)
            let reuse = try await client.post("/v1/payment_intents", [
                ("amount", "1000"), ("currency", "usd"), ("payment_method", spent),
            ] + Self.cardOnly, key: merchant.key)
            #expect(reuse.status == 400 && (reuse.error["message"] as? String)?.contains("may not be used again") == true)
        }
    }

    /// Sixteen confirmations of one intent at once: one charge, one success; the others get Stripe's 400.
    @Test(arguments: TestEngine.available)
    func racingConfirmationsChargeOnce(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let intent = try await client.post("/v1/payment_intents", [
                ("amount", "5000"), ("currency", "usd"), ("payment_method", "pm_card_visa"),
            ] + Self.cardOnly, key: merchant.key)
            let results = try await withThrowingTaskGroup(of: APIResult.self) { group in
                for _ in 0..<16 {
                    group.addTask { try await client.post("/v1/payment_intents/\(intent.id)/confirm", key: merchant.key) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { $0.status == 200 }.count == 1, "\(results.map(\.status))")
            #expect(results.filter { $0.status != 200 }.allSatisfy {
                $0.error["code"] as? String == "payment_intent_unexpected_state" || $0.status == 429
            }, "\(results.map(\.body))")
            let charges = try await client.get("/v1/charges", [("payment_intent", intent.id)], key: merchant.key)
            #expect((charges["data"] as? [Any])?.count == 1)
            let report = try await LedgerVerifier(database: app.runtime.store.database).verify()
            #expect(report.isConsistent, "\(report.problems)")
        }
    }
}

extension PaymentIntentTests {
    @Test(arguments: TestEngine.available)
    func refundsNameTheIntent(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let paid = try await client.post("/v1/payment_intents", [
                ("amount", "3000"), ("currency", "usd"), ("payment_method", "pm_card_visa"), ("confirm", "true"),
            ] + Self.cardOnly, key: merchant.key)
            let refund = try await client.post("/v1/refunds", [("payment_intent", paid.id), ("amount", "1000")],
                                               key: merchant.key)
            #expect(refund.status == 200, "\(refund.body)")
            #expect(refund["payment_intent"] as? String == paid.id && refund["charge"] as? String == paid["latest_charge"] as? String)
            let listed = try await client.get("/v1/refunds", [("payment_intent", paid.id)], key: merchant.key)
            #expect(((listed["data"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } == [refund.id])
            let open = try await client.post("/v1/payment_intents", [("amount", "3000"), ("currency", "usd")] + Self.cardOnly,
                                             key: merchant.key)
            let nothing = try await client.post("/v1/refunds", [("payment_intent", open.id)], key: merchant.key)
            #expect(nothing.status == 400 && nothing.error["param"] as? String == "payment_intent")
            let held = try await client.post("/v1/payment_intents", [
                ("amount", "3000"), ("currency", "usd"), ("payment_method", "pm_card_visa"), ("confirm", "true"),
                ("capture_method", "manual"),
            ] + Self.cardOnly, key: merchant.key)
            let direct = try await client.post("/v1/refunds", [("charge", held["latest_charge"] as? String ?? "")],
                                               key: merchant.key)
            #expect(direct.status == 400, "an authorization of an intent is released by canceling the intent")
            let both = try await client.post("/v1/refunds", [("payment_intent", paid.id), ("charge", "ch_x")],
                                             key: merchant.key)
            #expect(both.status == 400)
            let report = try await LedgerVerifier(database: app.runtime.store.database).verify()
            #expect(report.isConsistent, "\(report.problems)")
        }
    }
}

extension PaymentIntentTests {
    /// An authorization left uncaptured for seven days lapses: the intent is canceled (`automatic`), its charge
    /// released with `charge.expired`, and no money moves; a younger one stays.
    @Test(arguments: TestEngine.available)
    func uncapturedAuthorizationsExpireAfterSevenDays(engine: TestEngine) async throws {
        let clock = ManualWallClock(start: 1_790_000_000)
        let app = try await RemitTestApp.make(engine, clock: clock.wallClock)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            func authorize() async throws -> APIResult {
                try await client.post("/v1/payment_intents", [
                    ("amount", "1000"), ("currency", "usd"), ("payment_method", "pm_card_visa"), ("confirm", "true"),
                    ("capture_method", "manual"),
                ] + Self.cardOnly, key: merchant.key)
            }
            let old = try await authorize()
            clock.advance(by: 86_400)
            let young = try await authorize()
            clock.advance(by: 6 * 86_400 + 60)
            #expect(try await app.runtime.ledger.expireAuthorizations() == 1)
            #expect(try await app.runtime.ledger.expireAuthorizations() == 0, "expiring twice changes nothing")
            let expired = try await client.get("/v1/payment_intents/\(old.id)", key: merchant.key)
            #expect(expired["status"] as? String == "canceled" && expired["cancellation_reason"] as? String == "automatic")
            let charge = try await client.get("/v1/charges/\(old["latest_charge"] as? String ?? "")", key: merchant.key)
            #expect(charge["refunded"] as? Bool == true && charge["captured"] as? Bool == false)
            let kept = try await client.get("/v1/payment_intents/\(young.id)", key: merchant.key)
            #expect(kept["status"] as? String == "requires_capture")
            let types = try await Self.events(client, merchant.key, "*")
            let recent = try await client.get("/v1/events", [("limit", "5")], key: merchant.key).body
            #expect(types.suffix(3) == ["charge.expired", "refund.created", "payment_intent.canceled"], "\(recent)")
            let balance = try await client.get("/v1/balance", key: merchant.key)
            #expect(((balance["pending"] as? [[String: Any]]) ?? []).allSatisfy { $0["amount"] as? Int == 0 })
            let report = try await LedgerVerifier(database: app.runtime.store.database).verify()
            #expect(report.isConsistent, "\(report.problems)")
        }
    }
}

/// A dispute on a PaymentIntent's charge names the intent and lists by it (research/payment-intents.md §9).
struct PaymentIntentDisputeTests {
    @Test(arguments: TestEngine.available)
    func aDisputeNamesItsPaymentIntent(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let intent = try await client.post("/v1/payment_intents", [
                ("amount", "4000"), ("currency", "usd"), ("payment_method", "pm_card_createDispute"), ("confirm", "true"),
                ("payment_method_types[]", "card"),
            ], key: merchant.key)
            #expect(intent["status"] as? String == "succeeded", "\(intent.body)")
            _ = try await client.post("/v1/charges", [("amount", "1000"), ("currency", "usd"), ("source", "tok_createDispute")],
                                      key: merchant.key)
            let byIntent = try await client.get("/v1/disputes", [("payment_intent", intent.id)], key: merchant.key)
            let disputes = try #require(byIntent["data"] as? [[String: Any]])
            #expect(disputes.count == 1, "only the intent's dispute: \(byIntent.body)")
            #expect(disputes.first?["payment_intent"] as? String == intent.id)
            #expect(disputes.first?["charge"] as? String == intent["latest_charge"] as? String)
            let all = try await client.get("/v1/disputes", key: merchant.key)
            #expect((all["data"] as? [[String: Any]])?.count == 2)
            #expect((all["data"] as? [[String: Any]])?.contains { $0["payment_intent"] is NSNull } == true,
                    "a Charges API dispute has none")
        }
    }
}

/// `payment_method_data`: the card comes with the confirmation, as Stripe.js sends it (research §1.3).
struct PaymentMethodDataTests {
    @Test(arguments: TestEngine.available)
    func aConfirmationCarriesItsCard(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let card = [("payment_method_data[type]", "card"), ("payment_method_data[card][number]", "4242424242424242"),
                        ("payment_method_data[card][exp_month]", "12"), ("payment_method_data[card][exp_year]", "2031"),
                        ("payment_method_data[billing_details][name]", "Ada")]
            let paid = try await client.post("/v1/payment_intents", [
                ("amount", "1500"), ("currency", "usd"), ("confirm", "true"), ("payment_method_types[]", "card"),
            ] + card, key: merchant.key)
            #expect(paid.status == 200 && paid["status"] as? String == "succeeded", "\(paid.body)")
            let methodID = try #require(paid["payment_method"] as? String)
            #expect(methodID.hasPrefix("pm_"))
            let method = try await client.get("/v1/payment_methods/\(methodID)", key: merchant.key)
            #expect((method["billing_details"] as? [String: Any])?["name"] as? String == "Ada")

            let intent = try await client.post("/v1/payment_intents", [
                ("amount", "1500"), ("currency", "usd"), ("payment_method_types[]", "card"),
            ], key: merchant.key)
            let keys = try await client.get("/v1/account/keys", key: merchant.key)
            let publishable = ((keys["data"] as? [[String: Any]]) ?? [])
                .first { $0["type"] as? String == "publishable" }?["redacted_value"] as? String ?? ""
            let confirmed = try await client.post("/v1/payment_intents/\(intent.id)/confirm", [
                ("client_secret", intent["client_secret"] as? String ?? ""), ("payment_method_data[type]", "card"),
                ("payment_method_data[card][token]", "tok_mastercard"),
            ], key: publishable)
            #expect(confirmed["status"] as? String == "succeeded", "Stripe.js's confirmation: \(confirmed.body)")

            let both = try await client.post("/v1/payment_intents", [
                ("amount", "1500"), ("currency", "usd"), ("confirm", "true"), ("payment_method", "pm_card_visa"),
                ("payment_method_types[]", "card"),
            ] + card, key: merchant.key)
            #expect(both.status == 400 && both.error["param"] as? String == "payment_method_data")
            let unconfirmed = try await client.post("/v1/payment_intents", [
                ("amount", "1500"), ("currency", "usd"), ("payment_method_types[]", "card"),
            ] + card, key: merchant.key)
            #expect(unconfirmed.status == 400, "payment_method_data belongs to a confirmation")
            let bad = try await client.post("/v1/payment_intents", [
                ("amount", "1500"), ("currency", "usd"), ("confirm", "true"), ("payment_method_types[]", "card"),
                ("payment_method_data[type]", "card"), ("payment_method_data[card][number]", "4242424242424241"),
                ("payment_method_data[card][exp_month]", "12"), ("payment_method_data[card][exp_year]", "2031"),
            ], key: merchant.key)
            #expect(bad.status == 402 && bad.error["code"] as? String == "incorrect_number", "\(bad.body)")
        }
    }
}
