import Foundation
import RemitApp
import RemitCore
import RemitFraud
import RemitSQL
import RemitTesting
import Testing

/// A one-tree model on the key's attempts in the last hour: under 5 approve, 5 to 9 review, from 10 block.
func velocityModel() throws -> FraudModel {
    try thresholdModel(.velocity1h, review: 5, block: 10, version: "test-velocity-1")
}

struct FraudVelocityBurstTests {
    static let burst = 32

    /// Card testing: 32 attempts on one card at once must be decided as if they had come one by one, each seeing
    /// every attempt before it (velocity 0, 1, … 31): 5 approved, 5 to review, 22 blocked, whichever commits first.
    @Test(arguments: TestEngine.available)
    func aConcurrentBurstOnOneCardGetsTheDecisionsOfTheSameBurstSentOneByOne(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        let model = try velocityModel()
        app.runtime.fraud.update { $0.champion = model }
        try await app.test { client in
            let sequential = try await client.createMerchant(adminKey: app.adminKey)
            let concurrent = try await client.createMerchant(adminKey: app.adminKey)
            let charge: [(String, String)] = [("amount", "1000"), ("currency", "usd")] + rawCard
            var oneByOne: [Int] = []
            for _ in 0..<Self.burst {
                oneByOne.append(try await client.post("/v1/charges", charge, key: sequential.key).status)
            }
            let atOnce = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<Self.burst {
                    group.addTask { try await client.post("/v1/charges", charge, key: concurrent.key).status }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(oneByOne.filter { $0 == 402 }.count == Self.burst - 10, "the burst one by one: 22 blocked")
            #expect(atOnce.sorted() == oneByOne.sorted(), "the same statuses at once as one by one")
            let decisions = { (account: String) in
                try await app.runtime.store.database.read { connection in
                    try await connection.query("""
                        SELECT decision, vector FROM fraud_features WHERE account_id = \(account) ORDER BY decision
                        """).map { row in
                        (row.string("decision"), FeatureVector(json: row.string("vector"))?[.velocity1h] ?? -1)
                    }
                }
            }
            let expected = try await decisions(sequential.id)
            let observed = try await decisions(concurrent.id)
            #expect(expected.map(\.1).sorted() == (0..<Self.burst).map(Float.init), "one by one, each saw all before it")
            #expect(observed.map(\.1).sorted() == expected.map(\.1).sorted(), "at once, each saw every attempt committed before it")
            #expect(observed.map(\.0).sorted() == expected.map(\.0).sorted())
        }
    }
}
