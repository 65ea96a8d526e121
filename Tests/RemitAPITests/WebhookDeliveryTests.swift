import Foundation
import RemitCore
import RemitBench
import RemitTesting
import RemitWebhooks
import Testing

struct WebhookDeliveryTests {
    @Test(arguments: TestEngine.available)
    func subscribedEndpointsGetEachEventOnceSignedBothWays(engine: TestEngine) async throws {
        let app = try await WebhookHarness.app(engine)
        try await app.test { client in
            try await WebhookHarness.withReceiver { receiver, url in
                let merchant = try await client.createMerchant(adminKey: app.adminKey)
                let all = try await client.post("/v1/webhook_endpoints", [("url", url + "/all"), ("enabled_events[]", "*")],
                                                key: merchant.key)
                let customers = try await client.post("/v1/webhook_endpoints", [
                    ("url", url + "/customers"), ("enabled_events[]", "customer.created"),
                ], key: merchant.key)
                let secrets = [all["secret"] as! String, customers["secret"] as! String]
                _ = try await client.post("/v1/charges", [("amount", "1000"), ("currency", "usd"), ("source", "tok_visa")],
                                          key: merchant.key)
                _ = try await client.post("/v1/customers", [("email", "a@example.com")], key: merchant.key)
                #expect(await WebhookHarness.eventually { receiver.count >= 3 })
                try await Task.sleep(for: .milliseconds(200))
                let received = receiver.received
                #expect(received.count == 3, "charge.succeeded to one endpoint, customer.created to two")
                let now = Int64(Date().timeIntervalSince1970)
                for delivery in received {
                    let verified = secrets.contains { secret in
                        WebhookSignature.verifyStripe(header: delivery.headers["stripe-signature"] ?? "",
                                                      body: delivery.body, secrets: [secret], now: now)
                    }
                    #expect(verified)
                    let timestamp = Int64(delivery.headers["webhook-timestamp"] ?? "") ?? 0
                    let standard = secrets.map {
                        WebhookSignature.standardSignature(id: delivery.eventID, body: delivery.body, secrets: [$0],
                                                           timestamp: timestamp)
                    }
                    #expect(standard.contains(delivery.headers["webhook-signature"] ?? "-"))
                    #expect(delivery.headers["user-agent"]?.hasPrefix("Remit/") == true)
                    #expect(delivery.headers["content-type"]?.hasPrefix("application/json") == true)
                    let event = try JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any]
                    #expect(event?["id"] as? String == delivery.eventID)
                }
                let types = received.compactMap { delivery -> String? in
                    let event = try? JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any]
                    return event?["type"] as? String
                }.sorted()
                #expect(types == ["charge.succeeded", "customer.created", "customer.created"])
                #expect(try await WebhookHarness.eventually {
                    let events = try await client.get("/v1/events", key: merchant.key)
                    return (events["data"] as? [[String: Any]])?.allSatisfy { $0["pending_webhooks"] as? Int == 0 } == true
                }, "pending_webhooks falls to 0 once every endpoint answered 2xx")
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func failedAttemptsAreRetriedUntilTheReceiverRecovers(engine: TestEngine) async throws {
        let app = try await WebhookHarness.app(engine, schedule: "100ms,100ms,100ms")
        let receiver = WebhookReceiver { _, index in
            index < 2 ? .init(status: 500, body: "down for maintenance") : .init(status: 204)
        }
        try await app.test { client in
            try await WebhookHarness.withReceiver(receiver) { receiver, url in
                let merchant = try await client.createMerchant(adminKey: app.adminKey)
                let endpoint = try await client.post("/v1/webhook_endpoints", [
                    ("url", url), ("enabled_events[]", "customer.created"),
                ], key: merchant.key)
                _ = try await client.post("/v1/customers", [], key: merchant.key)
                #expect(await WebhookHarness.eventually { receiver.count >= 3 })
                #expect(Set(receiver.received.map(\.eventID)).count == 1, "every retry carries the same event id")
                #expect(try await WebhookHarness.eventually {
                    let attempts = try await client.get("/v1/webhook_endpoints/\(endpoint.id)/attempts", key: merchant.key)
                    return (attempts["data"] as? [Any])?.count == 3
                })
                let attempts = try await client.get("/v1/webhook_endpoints/\(endpoint.id)/attempts", key: merchant.key)
                let rows = attempts["data"] as? [[String: Any]] ?? []
                #expect(rows.map { $0["http_status"] as? Int } == [204, 500, 500], "newest first; any 2xx succeeds")
                #expect(rows.map { $0["attempt"] as? Int } == [3, 2, 1])
                #expect(rows.last?["response_body"] as? String == "down for maintenance")
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func deadDeliveriesAreRecoveredAndEventsResent(engine: TestEngine) async throws {
        let app = try await WebhookHarness.app(engine, schedule: "50ms")
        let receiver = WebhookReceiver { _, _ in .init(status: 503) }
        try await app.test { client in
            try await WebhookHarness.withReceiver(receiver) { receiver, url in
                let merchant = try await client.createMerchant(adminKey: app.adminKey)
                let endpoint = try await client.post("/v1/webhook_endpoints", [
                    ("url", url), ("enabled_events[]", "customer.created"),
                ], key: merchant.key)
                _ = try await client.post("/v1/customers", [], key: merchant.key)
                #expect(try await WebhookHarness.eventually {
                    let stats = try await client.get("/admin/webhooks/stats", key: app.adminKey)
                    return stats["dead"] as? Int == 1
                }, "two failed attempts with a one-step schedule: dead")
                #expect(receiver.count == 2)
                let undelivered = try await client.get("/v1/events", [("delivery_success", "false")], key: merchant.key)
                let pending = (undelivered["data"] as? [[String: Any]])?.map { $0["pending_webhooks"] as? Int }
                #expect(pending == [1], "a dead delivery still counts as not delivered, as at Stripe")
                receiver.setResponder { _, _ in .init(status: 200) }
                let since = Int(Date().timeIntervalSince1970) - 60
                let recovered = try await client.post("/v1/webhook_endpoints/\(endpoint.id)/recover",
                                                      [("since", String(since))], key: merchant.key)
                #expect(recovered["recovered"] as? Int == 1)
                #expect(try await WebhookHarness.eventually {
                    let stats = try await client.get("/admin/webhooks/stats", key: app.adminKey)
                    return stats["sent_today"] as? Int == 1
                })
                #expect(receiver.count == 3)
                let eventID = receiver.received[0].eventID
                let delivered = try await client.get("/v1/events", [("delivery_success", "true")], key: merchant.key)
                #expect((delivered["data"] as? [[String: Any]])?.map { $0["id"] as? String } == [eventID])
                let resent = try await client.post("/v1/events/\(eventID)/resend", [("webhook_endpoint", endpoint.id)],
                                                   key: merchant.key)
                #expect(resent.id == eventID)
                #expect(await WebhookHarness.eventually { receiver.count == 4 })
                #expect(receiver.received.allSatisfy { $0.eventID == eventID })
                let missing = try await client.post("/v1/events/evt_nope/resend", [("webhook_endpoint", endpoint.id)],
                                                    key: merchant.key)
                #expect(missing.status == 404)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func aRolledSecretSignsAlongsideTheNewOne(engine: TestEngine) async throws {
        let app = try await WebhookHarness.app(engine)
        try await app.test { client in
            try await WebhookHarness.withReceiver { receiver, url in
                let merchant = try await client.createMerchant(adminKey: app.adminKey)
                let endpoint = try await client.post("/v1/webhook_endpoints", [
                    ("url", url), ("enabled_events[]", "customer.created"),
                ], key: merchant.key)
                let old = endpoint["secret"] as! String
                let rolled = try await client.post("/v1/webhook_endpoints/\(endpoint.id)/roll_secret",
                                                   [("expires_in", "3600")], key: merchant.key)
                let new = rolled["secret"] as! String
                #expect(new != old)
                _ = try await client.post("/v1/customers", [], key: merchant.key)
                #expect(await WebhookHarness.eventually { receiver.count == 1 })
                let delivery = receiver.received[0]
                let header = delivery.headers["stripe-signature"] ?? ""
                #expect(header.components(separatedBy: "v1=").count == 3, "one v1 per active secret")
                let now = Int64(Date().timeIntervalSince1970)
                for secret in [old, new] {
                    #expect(WebhookSignature.verifyStripe(header: header, body: delivery.body, secrets: [secret], now: now))
                }
                #expect(delivery.headers["webhook-signature"]?.split(separator: " ").count == 2)
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func theSSRFGuardRefusesLoopbackUnlessAllowed(engine: TestEngine) async throws {
        let app = try await WebhookHarness.app(engine, schedule: "50ms", allowLoopback: false)
        try await app.test { client in
            try await WebhookHarness.withReceiver { receiver, url in
                let merchant = try await client.createMerchant(adminKey: app.adminKey)
                let endpoint = try await client.post("/v1/webhook_endpoints", [
                    ("url", url.replacingOccurrences(of: "127.0.0.1", with: "localhost")), ("enabled_events[]", "*"),
                ], key: merchant.key)
                _ = try await client.post("/v1/customers", [], key: merchant.key)
                #expect(try await WebhookHarness.eventually {
                    let attempts = try await client.get("/v1/webhook_endpoints/\(endpoint.id)/attempts", key: merchant.key)
                    return (attempts["data"] as? [[String: Any]])?.count == 2
                })
                let attempts = try await client.get("/v1/webhook_endpoints/\(endpoint.id)/attempts", key: merchant.key)
                let errors = (attempts["data"] as? [[String: Any]] ?? []).map { $0["error"] as? String }
                #expect(errors == ["blocked_address", "blocked_address"], "checked on the address actually connected to")
                #expect(receiver.count == 0)
            }
        }
    }
}

/// A webhook endpoint's `api_version` decides the shape of what it receives (research/payment-intents.md §8).
struct WebhookVersionTests {
    @Test(arguments: TestEngine.available)
    func anEndpointPinnedToAnOlderVersionGetsTheOlderShape(engine: TestEngine) async throws {
        let app = try await WebhookHarness.app(engine)
        try await app.test { client in
            try await WebhookHarness.withReceiver { receiver, url in
                let merchant = try await client.createMerchant(adminKey: app.adminKey)
                for version in ["2022-08-01", nil] as [String?] {
                    var fields = [("url", url + "/" + (version ?? "account")), ("enabled_events[]", "payment_intent.succeeded")]
                    if let version { fields.append(("api_version", version)) }
                    let endpoint = try await client.post("/v1/webhook_endpoints", fields, key: merchant.key)
                    #expect(endpoint.status == 200, "\(endpoint.body)")
                }
                let intent = try await client.post("/v1/payment_intents", [
                    ("amount", "2000"), ("currency", "usd"), ("payment_method", "pm_card_visa"), ("confirm", "true"),
                    ("payment_method_types[]", "card"),
                ], key: merchant.key)
                #expect(await WebhookHarness.eventually { receiver.count >= 2 })
                let events = receiver.received.compactMap {
                    try? JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any]
                }
                #expect(Set(events.compactMap { $0["id"] as? String }).count == 1, "one event, two renderings")
                let byVersion = Dictionary(events.map { ($0["api_version"] as? String ?? "", $0) },
                                           uniquingKeysWith: { first, _ in first })
                #expect(Set(byVersion.keys) == ["2022-08-01", StripeAPIVersion.current])
                func object(_ version: String) -> [String: Any]? {
                    (byVersion[version]?["data"] as? [String: Any])?["object"] as? [String: Any]
                }
                let old = try #require(object("2022-08-01"))
                let listed = ((old["charges"] as? [String: Any])?["data"] as? [[String: Any]])?.map { $0["id"] as? String }
                #expect(listed == [intent["latest_charge"] as? String], "the older shape lists the intent's charges")
                #expect(object(StripeAPIVersion.current)?["charges"] == nil)
                #expect(old["id"] as? String == intent.id)
                let stored = try await client.get("/v1/events/\(events[0]["id"] as? String ?? "")", key: merchant.key)
                #expect(stored["api_version"] as? String == StripeAPIVersion.current, "the event itself is the account's")
            }
        }
    }
}

/// Every event type the ledger emits can be subscribed to: an endpoint's `enabled_events` is checked against
/// `EventTypes.all`, so a type missing there could never be delivered to a filtered endpoint.
struct EventTypeCatalogTests {
    @Test func everyEmittedTypeIsSubscribable() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
        var emitted: Set<String> = []
        let pattern = try NSRegularExpression(pattern: #"(?:emit\(|\? )"((?:charge|customer|payment_intent|payment_method|setup_intent|refund|review|price|product|webhook_endpoint)\.[a-z_.]+)""#)
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { emitted.insert(String(text[range])) }
            }
        }
        #expect(emitted.count > 30, "the scan found the ledger's events")
        #expect(emitted.subtracting(EventTypes.all).isEmpty, "not subscribable: \(emitted.subtracting(EventTypes.all).sorted())")
    }
}
