import Foundation
import RemitAPI
import RemitApp
import RemitTesting
import Testing

struct RateLimitTests {
    @Test func bucketRefillsAtTheConfiguredRate() {
        let limiter = RateLimiter(requestsPerSecond: 3)
        let start: Int64 = 1_800_000_000_000
        #expect((0..<3).allSatisfy { _ in limiter.allow("k", atMilliseconds: start) })
        #expect(!limiter.allow("k", atMilliseconds: start), "the burst is the rate")
        #expect(limiter.allow("other", atMilliseconds: start), "keys have their own buckets")
        #expect(!limiter.allow("k", atMilliseconds: start + 300))
        #expect(limiter.allow("k", atMilliseconds: start + 340), "one token back after a third of a second")
        #expect(!limiter.allow("k", atMilliseconds: start + 340))
        #expect(!limiter.allow("k", atMilliseconds: start - 5000), "a clock that steps back refills nothing")
    }

    @Test func aLimitedKeyGets429WithStripesError() async throws {
        // A clock that stands still: however slowly the machine runs, both requests fall in the same second.
        let clock = ManualWallClock(start: 1_800_000_000)
        let app = try await RemitTestApp.make(.sqlite, clock: clock.wallClock) { $0.rateLimitPerKey = 1 }
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let first = try await client.get("/v1/balance", key: merchant.key)
            let second = try await client.get("/v1/balance", key: merchant.key)
            #expect(first.status == 200)
            #expect(second.status == 429, "a second request within the same second")
            #expect(second.error["code"] as? String == "rate_limit")
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
