import Foundation
import RemitApp
import RemitCore
@testable import RemitProcessor
import RemitStore
import RemitTesting
import Testing

/// PaymentMethods through the router (research/payment-intents.md §5 and §12, behaviours 22 and 23).
struct PaymentMethodTests {
    static func cardParameters(_ number: String, month: String = "12", year: String = "2034") -> [(String, String)] {
        [("type", "card"), ("card[number]", number), ("card[exp_month]", month), ("card[exp_year]", year),
         ("card[cvc]", "123")]
    }

    @Test(arguments: TestEngine.available)
    func cardDetailsAndATokenMakeTheSameCard(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let byNumber = try await client.post("/v1/payment_methods", Self.cardParameters("4242424242424242") + [
                ("billing_details[name]", "Jenny Rosen"), ("billing_details[address][country]", "FR"),
                ("metadata[order]", "7"),
            ], key: merchant.key)
            #expect(byNumber.status == 200, "\(byNumber.body)")
            #expect(byNumber["object"] as? String == "payment_method")
            #expect(byNumber["customer"] is NSNull)
            let card = try #require(byNumber["card"] as? [String: Any])
            #expect(card["brand"] as? String == "visa" && card["last4"] as? String == "4242")
            #expect((card["checks"] as? [String: Any])?["cvc_check"] as? String == "unchecked")
            let billing = try #require(byNumber["billing_details"] as? [String: Any])
            #expect(billing["name"] as? String == "Jenny Rosen")
            let address = try #require(billing["address"] as? [String: Any])
            #expect(address["country"] as? String == "FR" && address["city"] is NSNull)
            let byToken = try await client.post("/v1/payment_methods", [("type", "card"), ("card[token]", "tok_visa")],
                                                key: merchant.key)
            #expect(byToken.status == 200, "\(byToken.body)")
            let tokenCard = try #require(byToken["card"] as? [String: Any])
            #expect(tokenCard["fingerprint"] as? String == card["fingerprint"] as? String)
            #expect(byToken.id != byNumber.id && byToken.id.hasPrefix("pm_"))
            let fetched = try await client.get("/v1/payment_methods/\(byNumber.id)", key: merchant.key)
            #expect(fetched.body == byNumber.body)

            let badMonth = try await client.post("/v1/payment_methods", Self.cardParameters("4242424242424242", month: "13"),
                                                 key: merchant.key)
            #expect(badMonth.status == 402 && badMonth.error["code"] as? String == "invalid_expiry_month")
            #expect(badMonth.error["param"] as? String == "card[exp_month]")
            let badNumber = try await client.post("/v1/payment_methods", Self.cardParameters("4242424242424241"),
                                                  key: merchant.key)
            #expect(badNumber.status == 402 && badNumber.error["code"] as? String == "incorrect_number")
            let otherType = try await client.post("/v1/payment_methods", [("type", "sepa_debit")], key: merchant.key)
            #expect(otherType.status == 400 && otherType.error["param"] as? String == "type")
            let noCard = try await client.post("/v1/payment_methods", [("type", "card")], key: merchant.key)
            #expect(noCard.status == 400 && noCard.error["param"] as? String == "card")
            let missing = try await client.get("/v1/payment_methods/pm_nothing", key: merchant.key)
            #expect(missing.status == 404 && missing.error["message"] as? String == "No such PaymentMethod: 'pm_nothing'")
            let other = try await client.createMerchant(adminKey: app.adminKey)
            #expect(try await client.get("/v1/payment_methods/\(byNumber.id)", key: other.key).status == 404)
        }
    }

    @Test(arguments: TestEngine.available)
    func attachingDetachingAndReuse(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let jane = try await client.post("/v1/customers", [("email", "jane@example.com")], key: merchant.key)
            let john = try await client.post("/v1/customers", [("email", "john@example.com")], key: merchant.key)

            let minted = try await client.post("/v1/payment_methods/pm_card_visa/attach", [("customer", jane.id)],
                                               key: merchant.key)
            #expect(minted.status == 200, "\(minted.body)")
            #expect(minted.id.hasPrefix("pm_") && !minted.id.hasPrefix("pm_card_"), "a named test method is minted")
            #expect(minted["customer"] as? String == jane.id)
            let again = try await client.post("/v1/payment_methods/pm_card_visa/attach", [("customer", jane.id)],
                                              key: merchant.key)
            #expect(again.id != minted.id, "each use of a named test method mints a new one")

            let twice = try await client.post("/v1/payment_methods/\(minted.id)/attach", [("customer", jane.id)],
                                              key: merchant.key)
            #expect(twice.status == 200 && twice.id == minted.id, "attaching to the same customer again is a no-op")
            let stolen = try await client.post("/v1/payment_methods/\(minted.id)/attach", [("customer", john.id)],
                                               key: merchant.key)
            #expect(stolen.status == 400)
            #expect(stolen.error["message"] as? String == "The payment method you provided has already been attached to a customer.")
            let nobody = try await client.post("/v1/payment_methods/\(minted.id)/attach", [("customer", "cus_nobody")],
                                               key: merchant.key)
            #expect(nobody.status == 400 && nobody.error["param"] as? String == "customer")

            let declined = try await client.post("/v1/payment_methods/pm_card_chargeDeclined/attach",
                                                 [("customer", jane.id)], key: merchant.key)
            #expect(declined.status == 402 && declined.error["code"] as? String == "card_declined")
            #expect(declined.error["decline_code"] as? String == "generic_decline")
            let insufficient = try await client.post("/v1/payment_methods", Self.cardParameters("4000000000009995"),
                                                     key: merchant.key)
            let refused = try await client.post("/v1/payment_methods/\(insufficient.id)/attach", [("customer", jane.id)],
                                                key: merchant.key)
            #expect(refused.status == 402 && refused.error["decline_code"] as? String == "insufficient_funds")
            let customerFail = try await client.post("/v1/payment_methods/pm_card_chargeCustomerFail/attach",
                                                     [("customer", jane.id)], key: merchant.key)
            #expect(customerFail.status == 200, "4000000000000341 attaches; it declines when charged")
            let failing = try await client.post("/v1/charges", [
                ("amount", "500"), ("currency", "usd"), ("customer", jane.id), ("payment_method", customerFail.id),
            ], key: merchant.key)
            #expect(failing.status == 402 && failing.error["code"] as? String == "card_declined")

            let detached = try await client.post("/v1/payment_methods/\(minted.id)/detach", key: merchant.key)
            #expect(detached.status == 200 && detached["customer"] is NSNull)
            let reattached = try await client.post("/v1/payment_methods/\(minted.id)/attach", [("customer", jane.id)],
                                                   key: merchant.key)
            #expect(reattached.status == 400)
            #expect((reattached.error["message"] as? String)?.contains("may not be used again") == true)
            let charged = try await client.post("/v1/charges", [
                ("amount", "500"), ("currency", "usd"), ("payment_method", minted.id),
            ], key: merchant.key)
            #expect(charged.status == 400 && charged.error["param"] as? String == "payment_method")
            let detachAgain = try await client.post("/v1/payment_methods/\(minted.id)/detach", key: merchant.key)
            #expect(detachAgain.status == 400)

            let events = try await client.get("/v1/events", [("type", "payment_method.*")], key: merchant.key)
            let types = ((events["data"] as? [[String: Any]]) ?? []).compactMap { $0["type"] as? String }
            #expect(types == ["payment_method.detached", "payment_method.attached", "payment_method.attached",
                              "payment_method.attached"], "\(types)")
            let detachEvent = try #require((events["data"] as? [[String: Any]])?.first)
            let previous = (detachEvent["data"] as? [String: Any])?["previous_attributes"] as? [String: Any]
            #expect(previous?["customer"] as? String == jane.id)
        }
    }

    @Test(arguments: TestEngine.available)
    func paymentsUseASavedMethodOnlyAsStripeAllows(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let customer = try await client.post("/v1/customers", [("email", "a@example.com")], key: merchant.key)
            let other = try await client.post("/v1/customers", [("email", "b@example.com")], key: merchant.key)

            let single = try await client.post("/v1/payment_methods", Self.cardParameters("5555555555554444"),
                                               key: merchant.key)
            let once = try await client.post("/v1/charges", [
                ("amount", "700"), ("currency", "usd"), ("payment_method", single.id),
            ], key: merchant.key)
            #expect(once.status == 200, "\(once.body)")
            #expect(once["payment_method"] as? String == single.id)
            let card = (once["payment_method_details"] as? [String: Any])?["card"] as? [String: Any]
            #expect(card?["brand"] as? String == "mastercard")
            let twice = try await client.post("/v1/charges", [
                ("amount", "700"), ("currency", "usd"), ("payment_method", single.id),
            ], key: merchant.key)
            #expect(twice.status == 400, "a method used without a customer is spent")

            let saved = try await client.post("/v1/payment_methods/pm_card_mastercard/attach", [("customer", customer.id)],
                                              key: merchant.key)
            for _ in 0..<2 {
                let charge = try await client.post("/v1/charges", [
                    ("amount", "900"), ("currency", "usd"), ("customer", customer.id), ("payment_method", saved.id),
                ], key: merchant.key)
                #expect(charge.status == 200, "an attached method is reused for its customer: \(charge.body)")
            }
            let anonymous = try await client.post("/v1/charges", [
                ("amount", "900"), ("currency", "usd"), ("payment_method", saved.id),
            ], key: merchant.key)
            #expect(anonymous.status == 400 && anonymous.error["param"] as? String == "payment_method")
            let someoneElse = try await client.post("/v1/charges", [
                ("amount", "900"), ("currency", "usd"), ("customer", other.id), ("payment_method", saved.id),
            ], key: merchant.key)
            #expect(someoneElse.status == 400)

            let notAttached = try await client.post("/v1/payment_methods", Self.cardParameters("4242424242424242"),
                                                    key: merchant.key)
            let refusedDefault = try await client.post("/v1/customers/\(customer.id)", [
                ("invoice_settings[default_payment_method]", notAttached.id),
            ], key: merchant.key)
            #expect(refusedDefault.status == 400 && refusedDefault.error["code"] as? String == "resource_missing")
            #expect(refusedDefault.error["param"] as? String == "invoice_settings[default_payment_method]")
            let withDefault = try await client.post("/v1/customers/\(customer.id)", [
                ("invoice_settings[default_payment_method]", saved.id),
            ], key: merchant.key)
            #expect((withDefault["invoice_settings"] as? [String: Any])?["default_payment_method"] as? String == saved.id)
            let byDefault = try await client.post("/v1/charges", [
                ("amount", "1100"), ("currency", "usd"), ("customer", customer.id),
            ], key: merchant.key)
            #expect(byDefault.status == 200 && byDefault["payment_method"] as? String == saved.id)
            _ = try await client.post("/v1/payment_methods/\(saved.id)/detach", key: merchant.key)
            let afterDetach = try await client.get("/v1/customers/\(customer.id)", key: merchant.key)
            #expect((afterDetach["invoice_settings"] as? [String: Any])?["default_payment_method"] is NSNull,
                    "detaching the default unsets it")
            let report = try await LedgerVerifier(database: app.runtime.store.database).verify()
            #expect(report.isConsistent, "\(report.problems)")
        }
    }

    @Test(arguments: TestEngine.available)
    func updatesListsAndACustomersOwnView(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let customer = try await client.post("/v1/customers", [("email", "a@example.com")], key: merchant.key)
            let other = try await client.post("/v1/customers", [("email", "b@example.com")], key: merchant.key)
            let loose = try await client.post("/v1/payment_methods", Self.cardParameters("4242424242424242"),
                                              key: merchant.key)
            let refused = try await client.post("/v1/payment_methods/\(loose.id)", [("metadata[a]", "1")], key: merchant.key)
            #expect(refused.status == 400, "only an attached method can be updated")

            var attached: [String] = []
            for name in ["pm_card_visa", "pm_card_amex", "pm_card_jcb"] {
                attached.append(try await client.post("/v1/payment_methods/\(name)/attach", [("customer", customer.id)],
                                                      key: merchant.key).id)
            }
            let updated = try await client.post("/v1/payment_methods/\(attached[0])", [
                ("billing_details[name]", "Ada"), ("card[exp_month]", "3"), ("card[exp_year]", "2031"),
                ("allow_redisplay", "always"), ("metadata[k]", "v"),
            ], key: merchant.key)
            #expect(updated.status == 200, "\(updated.body)")
            #expect((updated["card"] as? [String: Any])?["exp_month"] as? Int == 3)
            #expect((updated["billing_details"] as? [String: Any])?["name"] as? String == "Ada")
            let pastYear = try await client.post("/v1/payment_methods/\(attached[0])", [("card[exp_year]", "2001")],
                                                 key: merchant.key)
            #expect(pastYear.status == 402 && pastYear.error["code"] as? String == "invalid_expiry_year")
            let events = try await client.get("/v1/events", [("type", "payment_method.updated")], key: merchant.key)
            let event = try #require((events["data"] as? [[String: Any]])?.first)
            let previous = (event["data"] as? [String: Any])?["previous_attributes"] as? [String: Any]
            #expect((previous?["card"] as? [String: Any])?["exp_month"] as? Int == 12)

            let listed = try await client.get("/v1/customers/\(customer.id)/payment_methods", [("type", "card")],
                                              key: merchant.key)
            let ids = ((listed["data"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
            #expect(ids == attached.reversed(), "newest first")
            #expect(listed["url"] as? String == "/v1/customers/\(customer.id)/payment_methods")
            let paged = try await client.get("/v1/payment_methods", [("customer", customer.id), ("limit", "2")],
                                             key: merchant.key)
            #expect((paged["data"] as? [Any])?.count == 2 && paged["has_more"] as? Bool == true)
            let redisplayed = try await client.get("/v1/customers/\(customer.id)/payment_methods",
                                                   [("allow_redisplay", "always")], key: merchant.key)
            #expect(((redisplayed["data"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } == [attached[0]])
            let banks = try await client.get("/v1/customers/\(customer.id)/payment_methods", [("type", "us_bank_account")],
                                             key: merchant.key)
            #expect((banks["data"] as? [Any])?.isEmpty == true)
            let own = try await client.get("/v1/customers/\(customer.id)/payment_methods/\(attached[1])", key: merchant.key)
            #expect(own.status == 200 && own.id == attached[1])
            let notTheirs = try await client.get("/v1/customers/\(other.id)/payment_methods/\(attached[1])",
                                                 key: merchant.key)
            #expect(notTheirs.status == 404)
            let noCustomer = try await client.get("/v1/customers/cus_nobody/payment_methods", key: merchant.key)
            #expect(noCustomer.status == 404)
        }
    }

    /// Two requests attach one PaymentMethod to two customers at once: one wins, the other gets Stripe's 400.
    @Test(arguments: TestEngine.available)
    func racingAttachmentsAttachOnce(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            var customers: [String] = []
            for index in 0..<8 {
                customers.append(try await client.post("/v1/customers", [("email", "c\(index)@example.com")],
                                                       key: merchant.key).id)
            }
            let method = try await client.post("/v1/payment_methods", Self.cardParameters("4242424242424242"),
                                               key: merchant.key)
            let results = try await withThrowingTaskGroup(of: APIResult.self) { group in
                for customer in customers {
                    group.addTask {
                        try await client.post("/v1/payment_methods/\(method.id)/attach", [("customer", customer)],
                                              key: merchant.key)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { $0.status == 200 }.count == 1, "\(results.map(\.status))")
            #expect(results.filter { $0.status != 200 }.allSatisfy { $0.status == 400 }, "\(results.map(\.body))")
            let events = try await client.get("/v1/events", [("type", "payment_method.attached")], key: merchant.key)
            #expect((events["data"] as? [Any])?.count == 1)
        }
    }

    /// A saved card keeps only its BIN and last four digits; they must still tell every test card apart.
    @Test func aSavedTestCardKeepsItsScenario() throws {
        let simulator = Simulator(currentYear: 2026, currentMonth: 12, fingerprints: CardFingerprints { Array($0.utf8) })
        #expect(TestCards.byTruncatedNumber.count == TestCards.byNumber.count)
        for number in TestCards.byNumber.keys {
            let fresh = try simulator.resolve(.rawCard(number: number, expMonth: 12, expYear: 2030, cvc: nil), param: "card")
            let saved = simulator.resolve(saved: SavedCard(paymentMethodID: "pm_1", card: fresh.card,
                                                           issuerPrefix: fresh.issuerPrefix, isNamedTestInstrument: false))
            #expect(saved.scenario == fresh.scenario && saved.passesCardCheck == fresh.passesCardCheck, "\(number)")
        }
    }

    @Test(arguments: TestEngine.available)
    func tokensAndTestPaymentMethodsBecomeNewObjects(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let byToken = try await client.post("/v1/charges", [
                ("amount", "1000"), ("currency", "usd"), ("source", "tok_visa"),
            ], key: merchant.key)
            let card = try #require(byToken["payment_method"] as? String)
            #expect(card.hasPrefix("card_"))
            #expect((byToken["source"] as? [String: Any])?["id"] as? String == card)
            let byMethod = try await client.post("/v1/charges", [
                ("amount", "1000"), ("currency", "usd"), ("payment_method", "pm_card_mastercard"),
            ], key: merchant.key)
            let method = try #require(byMethod["payment_method"] as? String)
            #expect(method.hasPrefix("pm_") && method != "pm_card_mastercard")
        }
    }
}
