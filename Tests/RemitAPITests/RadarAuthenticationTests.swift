import Foundation
import RemitApp
import RemitFraud
import RemitSQL
import RemitStore
import RemitTesting
import Testing

/// The seed's review band asks for 3-D Secure (issue #22 §4, research/payment-intents.md §10): an on-session
/// PaymentIntent on an enrolled card is challenged instead of reviewed; unenrolled cards, off-session payments and
/// the Charges API fall back to a review; the block band still blocks.
struct RadarAuthenticationTests {
    /// Enrolled, authenticates only when asked (research §3): raw details, so the model's verdict acts on it.
    static let enrolled = "4000000000003055"
    static let unenrolled = "4242424242424242"
    /// With ``amountModel()``: 600.00 is in the review band, 900.00 in the block band.
    static let reviewBand = "60000", blockBand = "90000"

    static func method(_ client: APITestClient, _ key: String, number: String) async throws -> String {
        let created = try await client.post("/v1/payment_methods", [
            ("type", "card"), ("card[number]", number), ("card[exp_month]", "12"), ("card[exp_year]", "2031"),
            ("card[cvc]", "123"),
        ], key: key)
        #expect(created.status == 200, "\(created.body)")
        return created.id
    }

    static func confirmed(_ client: APITestClient, _ key: String, amount: String, method: String,
                          extra: [(String, String)] = []) async throws -> APIResult {
        try await client.post("/v1/payment_intents", [
            ("amount", amount), ("currency", "usd"), ("payment_method", method), ("confirm", "true"),
            ("return_url", ThreeDSecureTests.returnURL),
        ] + ThreeDSecureTests.cardOnly + extra, key: key)
    }

    static func challengePage(_ intent: APIResult) -> String {
        let next = intent["next_action"] as? [String: Any]
        let url = (next?["redirect_to_url"] as? [String: Any])?["url"] as? String ?? ""
        return URLComponents(string: url)?.path ?? ""
    }

    @Test(arguments: TestEngine.available)
    func theReviewBandChallengesAnEnrolledCardOnSession(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        app.runtime.fraud.update { $0.champion = try! amountModel() }
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let method = try await Self.method(client, merchant.key, number: Self.enrolled)
            let small = try await Self.confirmed(client, merchant.key, amount: "1000", method: method)
            #expect(small["status"] as? String == "succeeded", "an approved score is not challenged: \(small.body)")

            let intent = try await Self.confirmed(client, merchant.key, amount: Self.reviewBand,
                                                  method: try await Self.method(client, merchant.key, number: Self.enrolled))
            #expect(intent.status == 200, "\(intent.body)")
            #expect(intent["status"] as? String == "requires_action")
            #expect(intent["latest_charge"] is NSNull, "no charge is written before the customer answers")
            let page = Self.challengePage(intent)
            #expect(page.hasPrefix("/3ds/\(intent.id)/payatt_"), "\(intent.body)")
            let asked = try await app.runtime.store.database.read { connection in
                try await connection.queryFirst(
                    "SELECT requested_by, risk_score FROM payment_authentications WHERE intent_id = \(intent.id)")
            }
            #expect(asked?.string("requested_by") == "radar")
            #expect(asked?.optionalInt("risk_score") == 73)

            let completed = try await ThreeDSecureTests.answer(client, page, "complete")
            #expect(completed.status == 302)
            let paid = try await client.get("/v1/payment_intents/\(intent.id)", [("expand[]", "latest_charge")],
                                            key: merchant.key)
            #expect(paid["status"] as? String == "succeeded", "\(paid.body)")
            #expect(paid["review"] is NSNull, "the challenge was the review")
            let charge = try #require(paid["latest_charge"] as? [String: Any])
            let outcome = try #require(charge["outcome"] as? [String: Any])
            #expect(outcome["type"] as? String == "authorized")
            #expect(outcome["risk_level"] as? String == "elevated")
            #expect(outcome["risk_score"] as? Int == 73)
            let card = (charge["payment_method_details"] as? [String: Any])?["card"] as? [String: Any]
            #expect((card?["three_d_secure"] as? [String: Any])?["result"] as? String == "authenticated")
            let chargeID = try #require(charge["id"] as? String)
            let assessment = try await client.get("/v1/charges/\(chargeID)/fraud_assessment", key: merchant.key)
            #expect(assessment["decision"] as? String == "review")
            #expect(assessment["three_d_secure"] as? String == "authenticated")

            // Failing the challenge leaves no charge and the intent waiting for another method.
            let second = try await Self.confirmed(client, merchant.key, amount: Self.reviewBand,
                                                  method: try await Self.method(client, merchant.key, number: Self.enrolled))
            #expect(second["status"] as? String == "requires_action")
            #expect(try await ThreeDSecureTests.answer(client, Self.challengePage(second), "fail").status == 302)
            let failed = try await client.get("/v1/payment_intents/\(second.id)", key: merchant.key)
            #expect(failed["status"] as? String == "requires_payment_method")
            #expect((failed["last_payment_error"] as? [String: Any])?["code"] as? String
                    == "payment_intent_authentication_failure")
            #expect(failed["latest_charge"] is NSNull)

            // The block band blocks before any challenge.
            let blocked = try await Self.confirmed(client, merchant.key, amount: Self.blockBand,
                                                   method: try await Self.method(client, merchant.key, number: Self.enrolled))
            #expect(blocked.status == 402)
            #expect((blocked["error"] as? [String: Any])?["decline_code"] as? String == "fraudulent")
            let report = try await LedgerVerifier(database: app.runtime.store.database).verify()
            #expect(report.isConsistent, "\(report.problems)")
        }
    }

    @Test(arguments: TestEngine.available)
    func paymentsThatCannotBeChallengedAreReviewed(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        app.runtime.fraud.update { $0.champion = try! amountModel() }
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            func expectReviewed(_ answer: APIResult, _ what: Comment) async throws {
                #expect(answer.status == 200, "\(what): \(answer.body)")
                let chargeID = (answer["latest_charge"] as? String) ?? answer.id
                let charge = try await client.get("/v1/charges/\(chargeID)", key: merchant.key)
                #expect((charge["outcome"] as? [String: Any])?["type"] as? String == "manual_review", what)
                #expect((charge["review"] as? String)?.hasPrefix("prv_") == true, what)
            }
            let unenrolled = try await Self.confirmed(client, merchant.key, amount: Self.reviewBand,
                                                      method: try await Self.method(client, merchant.key, number: Self.unenrolled))
            #expect(unenrolled["status"] as? String == "succeeded")
            #expect((unenrolled["review"] as? String)?.hasPrefix("prv_") == true, "the intent names its review")
            let review = try await client.get("/v1/reviews/\(unenrolled["review"] as? String ?? "")", key: merchant.key)
            #expect(review["payment_intent"] as? String == unenrolled.id, "and the review its intent")
            try await expectReviewed(unenrolled, "an unenrolled card")

            let noRedirect = try await Self.confirmed(
                client, merchant.key, amount: Self.reviewBand,
                method: try await Self.method(client, merchant.key, number: Self.enrolled),
                extra: [("error_on_requires_action", "true")])
            try await expectReviewed(noRedirect, "error_on_requires_action")

            let customer = try await client.post("/v1/customers", [("email", "c@example.com")], key: merchant.key)
            let saved = try await Self.method(client, merchant.key, number: Self.enrolled)
            #expect(try await client.post("/v1/payment_methods/\(saved)/attach", [("customer", customer.id)],
                                          key: merchant.key).status == 200)
            let offSession = try await Self.confirmed(
                client, merchant.key, amount: Self.reviewBand, method: saved,
                extra: [("customer", customer.id), ("off_session", "true")])
            try await expectReviewed(offSession, "off session")

            let charge = try await client.post("/v1/charges", [
                ("amount", Self.reviewBand), ("currency", "usd"), ("source[object]", "card"),
                ("source[number]", Self.enrolled), ("source[exp_month]", "12"), ("source[exp_year]", "2031"),
            ], key: merchant.key)
            try await expectReviewed(charge, "the Charges API")
        }
    }
}
