import Foundation
import RemitAlerts
import RemitApp
import RemitBench
import RemitCore
import RemitSQL
import RemitStore
import RemitTesting
import RemitWebhooks
import Testing

struct WebhookHealthTests {
    @Test(arguments: TestEngine.available)
    func anEndpointWithManyDeadDeliveriesAndNoSuccessIsDisabledAndTheMerchantTold(engine: TestEngine) async throws {
        let app = try await WebhookHarness.app(engine, schedule: "10ms") { configuration in
            configuration.webhooks.health.deadToDisable = 3
            configuration.webhooks.health.minimumAttempts = 4
            configuration.webhooks.health.checkInterval = .seconds(3600)
            configuration.webhooks.breakerTripAfter = 100
        }
        let receiver = WebhookReceiver { _, _ in .init(status: 500) }
        try await app.test { client in
            try await WebhookHarness.withReceiver(receiver) { receiver, url in
                let merchant = try await client.createMerchant(adminKey: app.adminKey)
                let failing = try await client.post("/v1/webhook_endpoints", [
                    ("url", url), ("enabled_events[]", "customer.created"),
                ], key: merchant.key)
                let watcher = try await client.post("/v1/webhook_endpoints", [
                    ("url", "https://example.com/hooks"), ("enabled_events[]", "webhook_endpoint.disabled"),
                ], key: merchant.key)
                for _ in 0..<3 { _ = try await client.post("/v1/customers", [], key: merchant.key) }
                #expect(try await WebhookHarness.eventually {
                    let stats = try await client.get("/admin/webhooks/stats", key: app.adminKey)
                    return stats["dead"] as? Int == 3
                })
                try await app.runtime.webhookHealthMonitorForTests().check()
                let endpoint = try await client.get("/v1/webhook_endpoints/\(failing.id)", key: merchant.key)
                #expect(endpoint["status"] as? String == "disabled")
                let disabled = try await client.get("/v1/events", [("type", "webhook_endpoint.disabled")], key: merchant.key)
                #expect((disabled["data"] as? [[String: Any]])?.count == 1)
                let failingEvents = try await client.get("/v1/events", [("type", "webhook_endpoint.failing")], key: merchant.key)
                #expect((failingEvents["data"] as? [[String: Any]])?.count == 1, "6 attempts, all failed: below 95 %")
                let alerts = try await AlertLog(database: app.runtime.store.database).recent(limit: 10, source: "webhooks")
                #expect(Set(alerts.map { $0.string("kind") }) == ["endpoint_failing", "endpoint_disabled"])
                #expect(alerts.allSatisfy { $0.string("subject") == failing.id })
                let stats = try await client.get("/admin/webhooks/stats", key: app.adminKey)
                #expect((stats["disabled_endpoints"] as? [[String: Any]])?.first?["reason"] as? String == "failing")
                _ = watcher
                let before = receiver.count
                _ = try await client.post("/v1/customers", [], key: merchant.key)
                try await Task.sleep(for: .milliseconds(300))
                #expect(receiver.count == before, "a disabled endpoint gets nothing")
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func completionsAreFencedByTheLeaseAndExpiredLeasesReturnToTheQueue(engine: TestEngine) async throws {
        let app = try await WebhookHarness.app(engine) { $0.webhookWorker = false }
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            _ = try await client.post("/v1/webhook_endpoints", [
                ("url", "http://127.0.0.1:9/hooks"), ("enabled_events[]", "customer.created"),
            ], key: merchant.key)
            _ = try await client.post("/v1/customers", [], key: merchant.key)
            let queue = WebhookQueue(database: app.runtime.store.database)
            let now = app.runtime.ledger.clock.unixMilliseconds() + .milliseconds(1)
            let claimed = try await queue.claim(owner: "a", limit: 10, defaultPerEndpoint: 8, excluded: [], now: now,
                                                lease: .seconds(90))
            #expect(claimed.count == 1)
            #expect(claimed.first?.attempt == 1)
            let again = try await queue.claim(owner: "b", limit: 10, defaultPerEndpoint: 8, excluded: [], now: now,
                                              lease: .seconds(90))
            #expect(again.isEmpty, "a leased delivery is nobody else's")
            let outcome = DeliveryCompletion(
                delivery: claimed[0], started: now,
                result: .init(httpStatus: 200, durationMilliseconds: 1, errorKind: nil, responseHead: ""), next: .succeeded)
            #expect(try await queue.complete([outcome], owner: "b", now: now) == 0, "only the lease holder completes")
            #expect(try await queue.reapExpiredLeases(now: now + .seconds(91)) == 1)
            let reclaimed = try await queue.claim(owner: "b", limit: 10, defaultPerEndpoint: 8, excluded: [],
                                                  now: now + .seconds(91), lease: .seconds(90))
            #expect(reclaimed.map(\.attempt) == [2])
            #expect(try await queue.complete([outcome], owner: "a", now: now) == 0, "the reaped worker is fenced out")
            var second = outcome
            second.delivery = reclaimed[0]
            #expect(try await queue.complete([second], owner: "b", now: now) == 1)
        }
    }
}

struct WebhookPoisoningTests {
    @Test(arguments: TestEngine.available)
    func aCompletionTheStoreRefusesHoldsNoOtherDeliveryAndIsRecordedWithAMarker(engine: TestEngine) async throws {
        let app = try await WebhookHarness.app(engine) { $0.webhookWorker = false }
        try await app.test { client in
            var endpoints: [String] = []
            for _ in 0..<3 {
                let merchant = try await client.createMerchant(adminKey: app.adminKey)
                let endpoint = try await client.post("/v1/webhook_endpoints", [
                    ("url", "http://127.0.0.1:9/hooks"), ("enabled_events[]", "customer.created"),
                ], key: merchant.key)
                endpoints.append(endpoint.id)
                _ = try await client.post("/v1/customers", [], key: merchant.key)
            }
            let queue = WebhookQueue(database: app.runtime.store.database)
            let now = app.runtime.ledger.clock.unixMilliseconds() + .milliseconds(1)
            let claimed = try await queue.claim(owner: "w", limit: 10, defaultPerEndpoint: 8, excluded: [], now: now,
                                                lease: .seconds(90))
            #expect(claimed.count == 3)
            // One receiver answered a NUL in its body (PostgreSQL's text cannot hold it); the sender makes bodies
            // storable, so this stands for any content the store refuses.
            let outcomes = claimed.enumerated().map { index, delivery in
                DeliveryCompletion(delivery: delivery, started: now,
                                   result: .init(httpStatus: 500, durationMilliseconds: 1, errorKind: "http_status",
                                                 responseHead: index == 1 ? "bad\u{0}body" : "fine"),
                                   next: .retry(at: now + .seconds(60)))
            }
            #expect(try await queue.complete(outcomes, owner: "w", now: now) == 3, "every outcome is applied")
            let rows = try await app.runtime.store.database.read { connection in
                try await connection.query("""
                    SELECT d.seq, d.status, d.next_attempt_at, a.response_head FROM webhook_deliveries d
                    JOIN webhook_attempts a ON a.delivery_seq = d.seq ORDER BY d.seq
                    """)
            }
            #expect(rows.count == 3)
            #expect(rows.allSatisfy { $0.string("status") == "pending" && $0.int("next_attempt_at") == (now + .seconds(60)).value },
                    "each follows its schedule")
            let poisoned = claimed[1].seq
            for row in rows {
                let expected = row.int("seq") != poisoned ? "fine"
                    : engine == .postgres ? WebhookQueue.unstorableResponseMarker : "bad\u{0}body"
                #expect(row.string("response_head") == expected)
            }
        }
    }
}

struct WebhookBreakerTests {
    @Test(arguments: TestEngine.available)
    func aBreakerHoldsDeliveriesOfAFailingEndpointWithoutBurningAttempts(engine: TestEngine) async throws {
        let app = try await WebhookHarness.app(engine, schedule: "10ms,10ms,10ms,10ms,10ms,10ms") { configuration in
            configuration.webhooks.breakerTripAfter = 3
            configuration.webhooks.breakerOpenFor = .seconds(3600)
        }
        let receiver = WebhookReceiver { _, _ in .init(status: 500) }
        try await app.test { client in
            try await WebhookHarness.withReceiver(receiver) { receiver, url in
                let merchant = try await client.createMerchant(adminKey: app.adminKey)
                _ = try await client.post("/v1/webhook_endpoints", [("url", url), ("enabled_events[]", "customer.created")],
                                          key: merchant.key)
                _ = try await client.post("/v1/customers", [], key: merchant.key)
                #expect(await WebhookHarness.eventually { receiver.count >= 3 })
                try await Task.sleep(for: .milliseconds(300))
                #expect(receiver.count == 3, "the breaker opened after 3 consecutive failures")
                let stats = try await client.get("/admin/webhooks/stats", key: app.adminKey)
                #expect(stats["dead"] as? Int == 0, "held, not dead: the schedule had 7 attempts")
                let node = stats["this_node"] as? [String: Any]
                let endpoints = node?["endpoints"] as? [[String: Any]]
                #expect(endpoints?.first?["breaker"] as? String == "open")
            }
        }
    }
}
