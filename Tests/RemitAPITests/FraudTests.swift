import Foundation
import GradientBoosting
import RemitAlerts
import RemitCore
import RemitApp
import RemitFraud
import RemitSQL
import RemitStore
import RemitTesting
import Testing

/// A one-tree model on one feature: under `review` approve, from `review` to `block` review, from `block` block.
func thresholdModel(_ feature: FraudFeature, review: Float, block: Float, version: String) throws -> FraudModel {
    var tree = RegressionTree()
    tree.appendLeaf(value: 0, weight: 0, cover: 100)
    let (_, high) = tree.split(0, feature: feature.rawValue, threshold: review, defaultLeft: true, gain: 5,
                               left: (-5, -5, 80), right: (0, 0, 20))
    _ = tree.split(high, feature: feature.rawValue, threshold: block, defaultLeft: false, gain: 3,
                   left: (1, 1, 12), right: (3, 3, 8))
    let ensemble = try TreeEnsemble(
        objective: .logistic, baseScore: 0.5, featureNames: FeatureSchema.current.names,
        featureCount: FraudFeature.allCases.count, trees: [tree])
    return try FraudModel(version: version, json: ensemble.jsonData())
}

/// A one-tree model on the amount (major units): under 500 approve, 500–800 review, from 800 block.
func amountModel(version: String = "test-amount-1") throws -> FraudModel {
    try thresholdModel(.amount, review: 500, block: 800, version: version)
}

let rawCard: [(String, String)] = [
    ("source[object]", "card"), ("source[number]", "4000056655665556"), ("source[exp_month]", "12"),
    ("source[exp_year]", "2031"),
]

struct FraudTests {
    @Test(arguments: TestEngine.available)
    func theModelDecidesRawCardsApproveReviewBlock(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        let model = try amountModel()
        app.runtime.fraud.update { $0.champion = model }
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let small = try await client.post("/v1/charges", [("amount", "1000"), ("currency", "usd")] + rawCard, key: merchant.key)
            #expect(small.status == 200)
            let smallOutcome = try #require(small["outcome"] as? [String: Any])
            #expect(smallOutcome["risk_level"] as? String == "normal")
            #expect(smallOutcome["risk_score"] as? Int == 0)

            let reviewed = try await client.post("/v1/charges", [("amount", "60000"), ("currency", "usd")] + rawCard, key: merchant.key)
            #expect(reviewed.status == 200)
            let outcome = try #require(reviewed["outcome"] as? [String: Any])
            #expect(outcome["type"] as? String == "manual_review")
            #expect(outcome["risk_level"] as? String == "elevated")
            #expect(outcome["risk_score"] as? Int == 73)
            let reviewID = try #require(reviewed["review"] as? String)
            #expect(reviewID.hasPrefix("prv_"))
            let review = try await client.get("/v1/reviews/\(reviewID)", key: merchant.key)
            #expect(review["open"] as? Bool == true)
            #expect(review["charge"] as? String == reviewed.id)
            let queue = try await client.get("/v1/reviews", key: merchant.key)
            #expect((queue["data"] as? [[String: Any]])?.map { $0["id"] as? String } == [reviewID])
            let approved = try await client.post("/v1/reviews/\(reviewID)/approve", key: merchant.key)
            #expect(approved["open"] as? Bool == false)
            #expect(approved["reason"] as? String == "approved")
            let again = try await client.post("/v1/reviews/\(reviewID)/approve", key: merchant.key)
            #expect(again.status == 400)

            let blocked = try await client.post("/v1/charges", [("amount", "90000"), ("currency", "usd")] + rawCard, key: merchant.key)
            #expect(blocked.status == 402)
            let error = try #require(blocked["error"] as? [String: Any])
            #expect(error["type"] as? String == "card_error")
            #expect(error["decline_code"] as? String == "fraudulent")
            let chargeID = try #require(error["charge"] as? String)
            let stored = try await client.get("/v1/charges/\(chargeID)", key: merchant.key)
            let blockedOutcome = try #require(stored["outcome"] as? [String: Any])
            #expect(blockedOutcome["type"] as? String == "blocked")
            #expect(blockedOutcome["risk_level"] as? String == "highest")
            #expect(blockedOutcome["reason"] as? String == "highest_risk_level")
            #expect(stored["status"] as? String == "failed")
            let explanation = try await app.runtime.store.database.read { connection in
                try await connection.queryFirst("SELECT explanation FROM fraud_features WHERE charge_id = \(chargeID)")?
                    .optionalString("explanation")
            }
            let reasons = try #require(explanation.flatMap(FraudExplanation.init(storageText:)))
            #expect(reasons.contributions[FraudFeature.amount.rawValue] > 0, "the block's reasons are kept with it")
            let assessment = try await client.get("/v1/charges/\(chargeID)/fraud_assessment", key: merchant.key)
            #expect((assessment["reasons"] as? [String])?.isEmpty == false)
            // The alert is queued once the charge commits and written by the dispatcher, off the request.
            let log = AlertLog(database: app.runtime.store.database)
            #expect(try await WebhookHarness.eventually { try await !log.recent(limit: 10, source: "fraud").isEmpty })
            let alerts = try await log.recent(limit: 10, source: "fraud")
            #expect(alerts.map { $0.string("subject") } == [chargeID], "one fraud_block alert per block, in the audit table")
            #expect(alerts.first?.string("kind") == "fraud_block")

            let events = try await client.get("/v1/events", [("type", "review.*")], key: merchant.key)
            #expect(Set(((events["data"] as? [[String: Any]]) ?? []).compactMap { $0["type"] as? String })
                == ["review.opened", "review.closed"])
            let balance = try await client.get("/v1/balance", key: merchant.key)
            let pending = ((balance["pending"] as? [[String: Any]]) ?? []).compactMap { $0["amount"] as? Int }.reduce(0, +)
            #expect(pending == (1000 - 59) + (60000 - 1770), "the blocked charge moved no money")
        }
    }

    @Test(arguments: TestEngine.available)
    func namedTestInstrumentsKeepStripesOutcomeButAreScored(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        let model = try amountModel()
        app.runtime.fraud.update { $0.champion = model }
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let charge = try await client.post("/v1/charges", [
                ("amount", "90000"), ("currency", "usd"), ("source", "tok_visa"),
            ], key: merchant.key)
            #expect(charge.status == 200)
            #expect((charge["outcome"] as? [String: Any])?["type"] as? String == "authorized")
            let assessment = try await client.get("/v1/charges/\(charge.id)/fraud_assessment", key: merchant.key)
            #expect(assessment["decision"] as? String == "block")
            #expect(assessment["applied"] as? Bool == false)
            #expect(assessment["model_version"] as? String == "test-amount-1")
            let score = try #require(assessment["score"] as? Double)
            #expect(abs(score - 1 / (1 + exp(-3.0))) < 1e-6)
            let contributions = try #require(assessment["contributions"] as? [String: Any])
            #expect((contributions["amount"] as? Double ?? 0) > 0)
            #expect((contributions["velocity_1h"] as? Double) == 0)
        }
    }

    @Test(arguments: TestEngine.available)
    func featuresArePointInTimeAndKeyedByCardWithoutACustomer(engine: TestEngine) async throws {
        let clock = ManualWallClock(start: 1_790_000_000)
        let app = try await RemitTestApp.make(engine, clock: clock.wallClock)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let signals: [(String, String)] = [("radar_options[device_id]", "dev-1"), ("radar_options[billing_country]", "fr")]
            let first = try await client.post("/v1/charges", [("amount", "2000"), ("currency", "usd")] + rawCard + signals, key: merchant.key)
            clock.advance(by: 120)
            let second = try await client.post("/v1/charges", [("amount", "4000"), ("currency", "usd")] + rawCard + signals, key: merchant.key)
            let a = try await client.get("/v1/charges/\(first.id)/fraud_assessment", key: merchant.key)
            let b = try await client.get("/v1/charges/\(second.id)/fraud_assessment", key: merchant.key)
            let firstFeatures = try #require(a["features"] as? [String: Any])
            let secondFeatures = try #require(b["features"] as? [String: Any])
            #expect(firstFeatures["first_transaction_customer"] as? Double == 1)
            #expect(firstFeatures["velocity_1h"] as? Double == 0)
            #expect(firstFeatures["time_since_last_tx"] is NSNull)
            #expect(firstFeatures["avg_amount_30d"] is NSNull)
            #expect(firstFeatures["device_fingerprint_new"] as? Double == 1)
            #expect(firstFeatures["card_country_mismatch"] as? Double == 1, "a US card, billing in FR")
            #expect(secondFeatures["first_transaction_customer"] as? Double == 0)
            #expect(secondFeatures["velocity_1h"] as? Double == 1)
            #expect(secondFeatures["time_since_last_tx"] as? Double == 120)
            #expect(secondFeatures["avg_amount_30d"] as? Double == 20)
            #expect(secondFeatures["device_fingerprint_new"] as? Double == 0)
            #expect(secondFeatures["amount"] as? Double == 40)
            #expect(b["model_version"] as? String == DefaultFraudModel.version, "the default model decides until one is promoted")
            let bad = try await client.post("/v1/charges", [
                ("amount", "2000"), ("currency", "usd"), ("source", "tok_visa"), ("radar_options[billing_country]", "France"),
            ], key: merchant.key)
            #expect(bad.status == 400)
        }
    }
}

struct FraudReferenceTests {
    @Test(arguments: TestEngine.available)
    func loadedTablesDriveTheCountryAndDomainFeatures(engine: TestEngine) async throws {
        let clock = ManualWallClock(start: 1_790_000_000)
        let app = try await RemitTestApp.make(engine, clock: clock.wallClock)
        try await app.test { client in
            let store = FraudReferenceStore(database: app.runtime.store.database, clock: clock.wallClock)
            try await store.replaceCardBins(["40000566": "BR"])
            try await store.replaceIPRanges(try ReferenceFiles.ipRanges("10.0.0.0,10.255.255.255,BR\n192.0.2.0,192.0.2.255,DE\n"))
            try await store.replaceEmailDomains(["fresh-shop.io": 1_790_000_000 - 5 * 86_400])
            let loaded = try await store.load()
            #expect(loaded.cardBins == ["40000566": "BR"] && loaded.ipRanges.count == 2 && loaded.emailDomains.count == 1)
            app.runtime.fraud.update { $0.references = loaded }

            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let charge = try await client.post("/v1/charges", [
                ("amount", "2000"), ("currency", "usd"), ("radar_options[ip_address]", "192.0.2.10"),
                ("radar_options[email]", "buyer@fresh-shop.io"), ("radar_options[billing_country]", "BR"),
            ] + rawCard, key: merchant.key)
            #expect(charge.status == 200)
            #expect((charge["source"] as? [String: Any])?["country"] as? String == "BR", "the BIN table names the issuer")
            let assessment = try await client.get("/v1/charges/\(charge.id)/fraud_assessment", key: merchant.key)
            let features = try #require(assessment["features"] as? [String: Any])
            #expect(features["card_country_mismatch"] as? Double == 0)
            #expect(features["ip_country_mismatch"] as? Double == 1, "a DE address for a BR card")
            #expect(features["email_domain_age_days"] as? Double == 5)
        }
    }
}

struct FraudThresholdTests {
    @Test(arguments: TestEngine.available)
    func aMerchantsOwnThresholdsReplaceTheGlobalOnes(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        let model = try amountModel()
        app.runtime.fraud.update { $0.champion = model }
        try await app.test { client in
            let strict = try await client.createMerchant(adminKey: app.adminKey)
            let lenient = try await client.createMerchant(adminKey: app.adminKey)
            let store = FraudReferenceStore(database: app.runtime.store.database)
            try await store.setThresholds(account: lenient.id, FraudPolicy(blockThreshold: 0.99, reviewThreshold: 0.9))
            await #expect(throws: (any Error).self) {
                try await store.setThresholds(account: lenient.id, FraudPolicy(blockThreshold: 0.5, reviewThreshold: 0.9))
            }
            let stored = try await store.thresholds()
            #expect(stored[lenient.id]?.blockThreshold == 0.99)
            app.runtime.fraud.update { $0.merchantPolicies = stored }
            let blocked = try await client.post("/v1/charges", [("amount", "90000"), ("currency", "usd")] + rawCard, key: strict.key)
            #expect(blocked.status == 402)
            let reviewed = try await client.post("/v1/charges", [("amount", "90000"), ("currency", "usd")] + rawCard, key: lenient.key)
            #expect(reviewed.status == 200)
            #expect((reviewed["outcome"] as? [String: Any])?["type"] as? String == "manual_review", "0.95 is a review for this merchant")
        }
    }
}
