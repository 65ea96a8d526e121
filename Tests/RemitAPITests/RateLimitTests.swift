import Foundation
import RemitApp
import RemitTesting
import Testing

struct RateLimitTests {
    @Test func anOptionalPerKeyLimitAnswers429() async throws {
        let app = try await RemitTestApp.make(.sqlite) { $0.rateLimitPerKey = 3 }
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            var statuses: [Int] = []
            for _ in 0..<6 { statuses.append(try await client.get("/v1/balance", key: merchant.key).status) }
            #expect(statuses.prefix(3).allSatisfy { $0 == 200 })
            let limited = try await client.get("/v1/balance", key: merchant.key)
            #expect(limited.status == 429)
            #expect(limited.error["code"] as? String == "rate_limit")
        }
    }

    @Test func noLimitByDefault() async throws {
        let app = try await RemitTestApp.make(.sqlite)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            for _ in 0..<50 { #expect(try await client.get("/v1/balance", key: merchant.key).status == 200) }
        }
    }
}
