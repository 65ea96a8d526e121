import RemitFraud
import Testing

@Suite struct FeatureVectorTests {
    @Test func noHistoryIsMissingNotZero() {
        let vector = FeatureVector(FeatureInputs(amount: 12.5))
        #expect(vector[.velocity1h] == 0)
        #expect(vector[.firstTransactionCustomer] == 1)
        #expect(vector[.averageAmount30d].isNaN)
        #expect(vector[.amountStandardDeviation30d].isNaN)
        #expect(vector[.timeSinceLastTransaction].isNaN)
        #expect(vector[.deviceFingerprintNew].isNaN)
        #expect(vector[.cardCountryMismatch].isNaN)
        #expect(vector[.merchantDisputeRate30d].isNaN)
        #expect(vector[.amount] == 12.5)
    }

    @Test func historyBecomesFeatures() {
        var inputs = FeatureInputs(amount: 300)
        inputs.attemptsLastHour = 2
        inputs.attemptsLastDay = 7
        inputs.recentApprovedCount = 4
        inputs.recentApprovedSum = 40       // 10, 10, 10, 10
        inputs.recentApprovedSumOfSquares = 400
        inputs.secondsSinceLastAttempt = 90
        inputs.hasEarlierAttempt = true
        inputs.merchantCharges30d = 200
        inputs.merchantDisputes30d = 3
        inputs.cardCountry = "US"
        inputs.billingCountry = "us"
        inputs.ipCountry = "BR"
        inputs.deviceSeenBefore = false
        inputs.emailDomainAgeDays = 12
        let vector = FeatureVector(inputs)
        #expect(vector[.velocity24h] == 7)
        #expect(vector[.averageAmount30d] == 10)
        #expect(vector[.amountStandardDeviation30d] == 0)
        #expect(vector[.cardCountryMismatch] == 0, "country codes compare case-insensitively")
        #expect(vector[.ipCountryMismatch] == 1)
        #expect(vector[.firstTransactionCustomer] == 0)
        #expect(vector[.merchantDisputeRate30d] == 0.015)
        #expect(vector[.deviceFingerprintNew] == 1)
        #expect(FeatureVector(json: vector.json) == vector)
    }

    @Test func theJSONFormIsReadBackTolerantly() throws {
        let read = try #require(FeatureVector(json: " { \"amount\" : 12.5, \"velocity_24h\":null, \"unknown\": 3 ,\"email_domain_age_days\":7} "))
        #expect(read[.amount] == 12.5)
        #expect(read[.velocity24h].isNaN, "null is missing")
        #expect(read[.emailDomainAgeDays] == 7)
        #expect(read[.ipCountryMismatch].isNaN, "absent is missing")
        #expect(FeatureVector(json: "{}").map { $0.values.allSatisfy(\.isNaN) } == true)
        #expect(FeatureVector(json: "[1, 2]") == nil)
        #expect(FeatureVector(json: "{\"amount\" 12}") == nil, "a pair without a colon")
    }

    @Test func reasonsAreWordedWithTheirValues() {
        var inputs = FeatureInputs(amount: 900)
        inputs.attemptsLastDay = 23
        inputs.secondsSinceLastAttempt = 180
        inputs.hasEarlierAttempt = true
        inputs.cardCountry = "US"
        inputs.ipCountry = "RU"
        let vector = FeatureVector(inputs)
        var contributions = [Double](repeating: 0, count: FraudFeature.allCases.count)
        contributions[FraudFeature.velocity24h.rawValue] = 2.0
        contributions[FraudFeature.ipCountryMismatch.rawValue] = 1.5
        contributions[FraudFeature.timeSinceLastTransaction.rawValue] = 0.9
        contributions[FraudFeature.amount.rawValue] = 0.1
        #expect(ReasonWriter().reasons(vector: vector, contributions: contributions) == [
            "High velocity (23 transactions in 24h)", "Card/IP country mismatch",
            "Rapid succession (3 min since previous transaction)",
        ])
    }

    @Test func policyFollowsFlowFour() {
        #expect(FraudPolicy.standard.decide(score: 0.9) == .block)
        #expect(FraudPolicy.standard.decide(score: 0.8999) == .review)
        #expect(FraudPolicy.standard.decide(score: 0.7) == .review)
        #expect(FraudPolicy.standard.decide(score: 0.69) == .approve)
        #expect(FeatureSchema.current.names.count == 13)
    }
}

@Suite struct PopulationStabilityTests {
    @Test func theSameDistributionIsStableAShiftedOneIsNot() {
        let reference = (0..<10_000).map { Float($0 % 1000) }
        let same = (0..<5_000).map { Float(($0 * 7) % 1000) }
        let shifted = (0..<5_000).map { Float(($0 % 1000) + 600) }
        #expect(PopulationStability.index(reference: reference, live: same) < 0.01)
        #expect(PopulationStability.index(reference: reference, live: shifted) > 0.25)
        let suddenlyMissing = same.enumerated().map { $0.offset % 3 == 0 ? Float.nan : $0.element }
        #expect(PopulationStability.index(reference: reference, live: suddenlyMissing) > 0.25, "missing values have their own bin")
    }
}
