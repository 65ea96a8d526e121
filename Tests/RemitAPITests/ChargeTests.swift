import Foundation
import RemitTesting
import Testing

struct ChargeTests {
    @Test(arguments: TestEngine.available)
    func successfulChargeMovesTheBalanceByItsNet(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let charge = try await client.post("/v1/charges", [
                ("amount", "1000"), ("currency", "usd"), ("source", "tok_visa"), ("expand[0]", "balance_transaction"),
            ], key: merchant.key)
            #expect(charge.status == 200)
            #expect(charge["status"] as? String == "succeeded")
            #expect(charge["paid"] as? Bool == true)
            #expect(charge["captured"] as? Bool == true)
            let entry = try #require(charge["balance_transaction"] as? [String: Any])
            #expect(entry["object"] as? String == "balance_transaction")
            #expect(entry["fee"] as? Int == 59)  // 2.9% of 1000 = 29, + 30
            #expect(entry["net"] as? Int == 941)
            let outcome = try #require(charge["outcome"] as? [String: Any])
            #expect(outcome["type"] as? String == "authorized")
            #expect(outcome["risk_level"] as? String == "normal")
            let balance = try await client.get("/v1/balance", key: merchant.key)
            let pending = try #require((balance["pending"] as? [[String: Any]])?.first)
            #expect(pending["amount"] as? Int == 941)
            #expect(charge.header("Request-Id")?.hasPrefix("req_") == true)
        }
    }

    @Test(arguments: TestEngine.available)
    func declinedChargeIsStoredAndAnswered402(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let declined = try await client.post("/v1/charges", [
                ("amount", "2000"), ("currency", "usd"), ("source", "tok_chargeDeclinedInsufficientFunds"),
            ], key: merchant.key)
            #expect(declined.status == 402)
            #expect(declined.error["type"] as? String == "card_error")
            #expect(declined.error["code"] as? String == "card_declined")
            #expect(declined.error["decline_code"] as? String == "insufficient_funds")
            let chargeID = try #require(declined.error["charge"] as? String)
            let stored = try await client.get("/v1/charges/\(chargeID)", key: merchant.key)
            #expect(stored.status == 200)
            #expect(stored["status"] as? String == "failed")
            #expect(stored["failure_code"] as? String == "card_declined")
            #expect(stored["balance_transaction"] is NSNull)
            let events = try await client.get("/v1/events", [("type", "charge.failed")], key: merchant.key)
            #expect((events["data"] as? [Any])?.count == 1)
        }
    }

    @Test(arguments: TestEngine.available)
    func riskCardsAreBlockedOrReviewed(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let blocked = try await client.post("/v1/charges", [
                ("amount", "1000"), ("currency", "usd"), ("payment_method", "pm_card_radarBlock"),
            ], key: merchant.key)
            #expect(blocked.status == 402)
            #expect(blocked.error["decline_code"] as? String == "fraudulent")
            let stored = try await client.get("/v1/charges/\(blocked.error["charge"] as? String ?? "")", key: merchant.key)
            let outcome = try #require(stored["outcome"] as? [String: Any])
            #expect(outcome["type"] as? String == "blocked")
            #expect(outcome["risk_level"] as? String == "highest")
            let review = try await client.post("/v1/charges", [
                ("amount", "1000"), ("currency", "usd"), ("source", "tok_riskLevelElevated"),
            ], key: merchant.key)
            #expect(review.status == 200)
            let reviewOutcome = try #require(review["outcome"] as? [String: Any])
            #expect(reviewOutcome["type"] as? String == "manual_review")
            #expect(reviewOutcome["risk_level"] as? String == "elevated")
        }
    }

    @Test(arguments: TestEngine.available)
    func amountsAreValidatedPerCurrency(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            func charge(_ amount: String, _ currency: String) async throws -> APIResult {
                try await client.post("/v1/charges", [("amount", amount), ("currency", currency), ("source", "tok_visa")],
                                      key: merchant.key)
            }
            let small = try await charge("49", "usd")
            #expect(small.status == 400)
            #expect(small.error["code"] as? String == "amount_too_small")
            #expect(small.error["param"] as? String == "amount")
            #expect(try await charge("50", "usd").status == 200)
            #expect(try await charge("50", "jpy").status == 200)
            #expect(try await charge("49", "jpy").error["code"] as? String == "amount_too_small")
            #expect(try await charge("100000000", "usd").error["code"] as? String == "amount_too_large")
            #expect(try await charge("0", "usd").error["code"] as? String == "parameter_invalid_integer")
            #expect(try await charge("-5", "usd").status == 400)
            #expect(try await charge("12.5", "usd").error["code"] as? String == "parameter_invalid_integer")
            #expect(try await charge("99999999999999999999", "usd").error["code"] as? String == "parameter_invalid_integer")
            let currency = try await charge("1000", "xyz")
            #expect(currency.status == 400)
            #expect(currency.error["param"] as? String == "currency")
            let list = try await client.get("/v1/charges", key: merchant.key)
            #expect((list["data"] as? [Any])?.count == 2, "rejected requests write nothing")
        }
    }

    @Test(arguments: TestEngine.available)
    func rawCardDetailsAreLuhnChecked(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let bad = try await client.post("/v1/charges", [
                ("amount", "1000"), ("currency", "eur"), ("source[object]", "card"),
                ("source[number]", "4242424242424241"), ("source[exp_month]", "12"), ("source[exp_year]", "2040"),
            ], key: merchant.key)
            #expect(bad.status == 402)
            #expect(bad.error["code"] as? String == "incorrect_number")
            let good = try await client.post("/v1/charges", [
                ("amount", "1000"), ("currency", "eur"), ("source[object]", "card"),
                ("source[number]", "5555555555554444"), ("source[exp_month]", "12"), ("source[exp_year]", "2040"),
                ("source[cvc]", "123"),
            ], key: merchant.key)
            #expect(good.status == 200)
            let details = (good["payment_method_details"] as? [String: Any])?["card"] as? [String: Any]
            #expect(details?["brand"] as? String == "mastercard")
            #expect(details?["last4"] as? String == "4444")
            #expect(!good.body.contains("5555555555554444"), "the full number is never returned")
        }
    }

    @Test(arguments: TestEngine.available)
    func uncapturedChargeCapturesPartially(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let auth = try await client.post("/v1/charges", [
                ("amount", "5000"), ("currency", "usd"), ("source", "tok_visa"), ("capture", "false"),
            ], key: merchant.key)
            #expect(auth["captured"] as? Bool == false)
            #expect(auth["balance_transaction"] is NSNull)
            let captured = try await client.post("/v1/charges/\(auth.id)/capture", [("amount", "3000")], key: merchant.key)
            #expect(captured.status == 200)
            #expect(captured["amount_captured"] as? Int == 3000)
            #expect(captured["amount_refunded"] as? Int == 2000)
            let again = try await client.post("/v1/charges/\(auth.id)/capture", key: merchant.key)
            #expect(again.status == 400)
            #expect(again.error["code"] as? String == "charge_already_captured")
            let balance = try await client.get("/v1/balance", key: merchant.key)
            let pending = (balance["pending"] as? [[String: Any]])?.first
            #expect(pending?["amount"] as? Int == 3000 - 117)  // 2.9% of 3000 = 87, + 30
        }
    }

    @Test(arguments: TestEngine.available)
    func unknownParametersAndIDsAreRejected(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let unknown = try await client.post("/v1/charges", [
                ("amount", "1000"), ("currency", "usd"), ("source", "tok_visa"), ("colour", "red"),
            ], key: merchant.key)
            #expect(unknown.status == 400)
            #expect(unknown.error["code"] as? String == "parameter_unknown")
            #expect(unknown.error["param"] as? String == "colour")
            let missing = try await client.get("/v1/charges/ch_nope", key: merchant.key)
            #expect(missing.status == 404)
            #expect(missing.error["code"] as? String == "resource_missing")
            let noToken = try await client.post("/v1/charges", [
                ("amount", "1000"), ("currency", "usd"), ("source", "tok_nope"),
            ], key: merchant.key)
            #expect(noToken.status == 400)
            #expect(noToken.error["param"] as? String == "source")
            let route = try await client.get("/v1/nothing", key: merchant.key)
            #expect(route.status == 404)
            #expect(route.error["type"] as? String == "invalid_request_error")
        }
    }

    @Test(arguments: TestEngine.available)
    func listsPageNewestFirst(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            var ids: [String] = []
            for amount in 100...104 {
                let charge = try await client.post("/v1/charges", [
                    ("amount", "\(amount)"), ("currency", "usd"), ("source", "tok_visa"),
                ], key: merchant.key)
                ids.append(charge.id)
            }
            let first = try await client.get("/v1/charges", [("limit", "2")], key: merchant.key)
            let firstIDs = (first["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(firstIDs == [ids[4], ids[3]])
            #expect(first["has_more"] as? Bool == true)
            #expect(first["url"] as? String == "/v1/charges")
            let next = try await client.get("/v1/charges", [("limit", "10"), ("starting_after", ids[3])], key: merchant.key)
            let nextIDs = (next["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(nextIDs == [ids[2], ids[1], ids[0]])
            #expect(next["has_more"] as? Bool == false)
            let back = try await client.get("/v1/charges", [("limit", "2"), ("ending_before", ids[1])], key: merchant.key)
            let backIDs = (back["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(backIDs == [ids[3], ids[2]])
            #expect(back["has_more"] as? Bool == true)
            #expect(try await client.get("/v1/charges", [("limit", "101")], key: merchant.key).status == 400)
            #expect(try await client.get("/v1/charges", [("limit", "0")], key: merchant.key).status == 400)
        }
    }
}
