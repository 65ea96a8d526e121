import Foundation
import RemitTesting
import Testing

struct IdempotencyTests {
    @Test(arguments: TestEngine.available)
    func replayReturnsTheSavedResponse(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let parameters = [("amount", "1000"), ("currency", "usd"), ("source", "tok_visa")]
            let first = try await client.post("/v1/charges", parameters, key: merchant.key, idempotencyKey: "order-1")
            let second = try await client.post("/v1/charges", parameters, key: merchant.key, idempotencyKey: "order-1")
            #expect(first.status == 200)
            #expect(second.body == first.body)
            #expect(second.header("Idempotent-Replayed") == "true")
            #expect(first.header("Idempotent-Replayed") == nil)
            let mismatch = try await client.post("/v1/charges", [("amount", "2000"), ("currency", "usd"), ("source", "tok_visa")],
                                                 key: merchant.key, idempotencyKey: "order-1")
            #expect(mismatch.status == 400)
            #expect(mismatch.error["type"] as? String == "idempotency_error")
            let list = try await client.get("/v1/charges", key: merchant.key)
            #expect((list["data"] as? [Any])?.count == 1)
        }
    }

    @Test(arguments: TestEngine.available)
    func declinesAreSavedButValidationErrorsAreNot(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let invalid = try await client.post("/v1/charges", [("amount", "10"), ("currency", "usd"), ("source", "tok_visa")],
                                                key: merchant.key, idempotencyKey: "k")
            #expect(invalid.status == 400)
            let fixed = try await client.post("/v1/charges", [("amount", "1000"), ("currency", "usd"), ("source", "tok_visa")],
                                              key: merchant.key, idempotencyKey: "k")
            #expect(fixed.status == 200, "a validation failure does not consume the key")
            let declined = try await client.post("/v1/charges", [
                ("amount", "1000"), ("currency", "usd"), ("source", "tok_chargeDeclined"),
            ], key: merchant.key, idempotencyKey: "d")
            let replayed = try await client.post("/v1/charges", [
                ("amount", "1000"), ("currency", "usd"), ("source", "tok_chargeDeclined"),
            ], key: merchant.key, idempotencyKey: "d")
            #expect(declined.status == 402)
            #expect(replayed.status == 402)
            #expect(replayed.body == declined.body)
        }
    }

    @Test(arguments: TestEngine.available)
    func parallelRequestsWithOneKeyCreateOneCharge(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let statuses = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        let result = try await client.post("/v1/charges", [
                            ("amount", "1000"), ("currency", "usd"), ("source", "tok_visa"),
                        ], key: merchant.key, idempotencyKey: "same-key")
                        return (result.status, result.id)
                    }
                }
                var collected: [(Int, String)] = []
                for try await status in group { collected.append(status) }
                return collected
            }
            #expect(statuses.allSatisfy { $0.0 == 200 || $0.0 == 409 })
            let ids = Set(statuses.filter { $0.0 == 200 }.map(\.1))
            #expect(ids.count == 1, "every 200 names the same charge")
            let list = try await client.get("/v1/charges", key: merchant.key)
            #expect((list["data"] as? [Any])?.count == 1)
        }
    }

    @Test(arguments: TestEngine.available)
    func keysAreScopedPerAccount(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let a = try await client.createMerchant(adminKey: app.adminKey)
            let b = try await client.createMerchant(adminKey: app.adminKey)
            let parameters = [("amount", "1000"), ("currency", "usd"), ("source", "tok_visa")]
            let first = try await client.post("/v1/charges", parameters, key: a.key, idempotencyKey: "shared")
            let second = try await client.post("/v1/charges", parameters, key: b.key, idempotencyKey: "shared")
            #expect(first.id != second.id)
            #expect(second.header("Idempotent-Replayed") == nil)
        }
    }
}
