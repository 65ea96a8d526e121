import Foundation
import Logging
import RemitApp
import RemitCore
import RemitProcessor
import RemitSQL
import RemitStore
import RemitTesting
import Testing

/// Secret keys roll and revoke; the platform key is replaced; no secret reaches the database; card fingerprints are
/// keyed per installation; the data directory is its owner's only.
struct KeyTests {
    @Test(arguments: TestEngine.available)
    func aRolledKeyWorksUntilItsExpiryAndARevokedOneStopsAtOnce(engine: TestEngine) async throws {
        let clock = ManualWallClock(start: 1_796_000_000)
        let app = try await RemitTestApp.make(engine, clock: clock.wallClock)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let rolled = try await client.post("/v1/account/keys/roll", [("expires_in", "3600")], key: merchant.key)
            #expect(rolled.status == 200)
            let newKey = try #require(rolled["secret"] as? String)
            #expect(newKey.hasPrefix("sk_test_") && newKey != merchant.key)
            #expect(try await client.get("/v1/balance", key: newKey).status == 200)
            #expect(try await client.get("/v1/balance", key: merchant.key).status == 200, "the old key lasts its hour")
            clock.advance(by: 3_601)
            #expect(try await client.get("/v1/balance", key: merchant.key).status == 401, "then it expires")
            #expect(try await client.get("/v1/balance", key: newKey).status == 200)

            let keys = try await client.get("/v1/account/keys", key: newKey)
            let listed = ((keys["data"] as? [[String: Any]]) ?? []).filter { $0["type"] as? String == "secret" }
            #expect(listed.count == 2, "the rolled key and the new one (beside the publishable key)")
            #expect(!keys.body.contains(newKey) && !keys.body.contains(merchant.key), "keys are listed by their hint only")
            let id = try #require(listed.first { $0["expires_at"] is NSNull }?["id"] as? String)
            // The platform acts for the merchant: it revokes the merchant's only valid key.
            let revoked = try await client.post("/v1/account/keys/\(id)/revoke", key: app.adminKey,
                                                headers: ["Stripe-Account": merchant.id])
            #expect(revoked.status == 200)
            #expect(try await client.get("/v1/balance", key: newKey).status == 401, "a revoked key stops at once")
            let again = try await client.post("/v1/account/keys/roll", [("expires_in", "0")], key: app.adminKey,
                                              headers: ["Stripe-Account": merchant.id])
            #expect(try await client.get("/v1/balance", key: again["secret"] as? String ?? "").status == 200)
            #expect(try await client.post("/v1/account/keys/roll", key: app.adminKey).status == 400,
                    "the platform's own key is not rolled through the API")
            #expect(try await client.post("/v1/account/keys/roll", [("expires_in", "999999999")],
                                          key: again["secret"] as? String ?? "").error["param"] as? String == "expires_in")
        }
    }

    @Test(arguments: TestEngine.available)
    func noSecretKeyIsStoredInClearEvenInASavedIdempotentResponse(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        let database = app.runtime.store.database
        try await app.test { client in
            let first = try await client.post("/v1/accounts", [("type", "custom")], key: app.adminKey, idempotencyKey: "acct-1")
            let secret = try #require(first["secret_key"] as? String)
            let replay = try await client.post("/v1/accounts", [("type", "custom")], key: app.adminKey, idempotencyKey: "acct-1")
            #expect(replay.header("Idempotent-Replayed") == "true")
            #expect(replay.id == first.id)
            #expect(replay["secret_key"] as? String == SecretKey.hint(secret), "a replay shows the key's hint only")
            let rolled = try await client.post("/v1/account/keys/roll", key: secret, idempotencyKey: "roll-1")
            let rolledSecret = try #require(rolled["secret"] as? String)
            let rolledReplay = try await client.post("/v1/account/keys/roll", key: secret, idempotencyKey: "roll-1")
            #expect(rolledReplay["secret"] is NSNull && rolledReplay["id"] as? String == rolled["id"] as? String)
            // Every text column of every table that could hold a response or a key.
            let texts = try await database.read { connection in
                var texts: [String] = []
                for (table, column) in [("idempotency_keys", "response_body"), ("api_keys", "key_hash"),
                                        ("api_keys", "key_hint"), ("events", "payload")] {
                    texts += try await connection.query("SELECT \(raw: column) AS t FROM \(raw: table)")
                        .compactMap { $0.optionalString("t") }
                }
                return texts
            }
            for key in [secret, rolledSecret, app.adminKey] {
                #expect(!texts.contains { $0.contains(key) }, "\(SecretKey.hint(key)) is stored in clear")
            }
        }
    }

    @Test(arguments: TestEngine.available)
    func replacingThePlatformKeyLeavesTheOldOneInvalid(engine: TestEngine) async throws {
        var configuration = try await engine.freshConfiguration()
        configuration.fraudRetraining = false
        configuration.etlHour = nil
        configuration.streamProcessor = false
        let first = try RemitRuntime(configuration: configuration, logger: makeTestLogger())
        try await first.withStore(logger: makeTestLogger()) { try await first.prepare(logger: makeTestLogger()) }
        var replaced = configuration
        replaced.adminKey = "sk_test_platform_admin_key_replaced_0002"
        let second = try RemitRuntime(configuration: replaced, logger: makeTestLogger())
        let newKey = replaced.adminKey ?? ""
        let app = RemitTestApp(runtime: second, adminKey: newKey)
        try await app.test { client async throws -> Void in
            #expect(try await client.get("/v1/accounts", key: newKey).status == 200)
            #expect(try await client.get("/v1/accounts", key: TestEngine.adminKey).status == 401)
        }
    }

    @Test(arguments: TestEngine.available)
    func fingerprintsAreKeyedPerInstallationAndAStoreRefusesAnotherKey(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        let card = [("amount", "1000"), ("currency", "usd"), ("source[object]", "card"),
                    ("source[number]", "4242424242424242"), ("source[exp_month]", "12"), ("source[exp_year]", "2034")]
        let fingerprints = try await app.test { client in
            var seen: [String] = []
            for _ in 0..<2 {
                let merchant = try await client.createMerchant(adminKey: app.adminKey)
                let charge = try await client.post("/v1/charges", card, key: merchant.key)
                let details = (charge["payment_method_details"] as? [String: Any])?["card"] as? [String: Any]
                seen.append(details?["fingerprint"] as? String ?? "")
            }
            return seen
        }
        #expect(fingerprints[0].count == 16 && fingerprints[0] == fingerprints[1], "one card, one fingerprint across merchants")
        let otherKey = FingerprintKey.fingerprints(key: "another-installation-key-0123456789abcdef").fingerprint(ofNumber: "4242424242424242")
        #expect(otherKey != fingerprints[0], "another installation's key makes another fingerprint")
        #expect(FingerprintKey.fingerprints(key: TestEngine.fingerprintKey).fingerprint(ofNumber: "4242424242424242") == fingerprints[0])

        var configuration = app.runtime.configuration
        configuration.fingerprintKey = "another-installation-key-0123456789abcdef"
        let other = try RemitRuntime(configuration: configuration, logger: makeTestLogger())
        try await other.withStore(logger: makeTestLogger()) {
            await #expect(throws: ConfigurationError.self) { try await other.ensureFingerprintKey() }
        }
    }

    @Test func theDataDirectoryAndItsFilesAreTheOwnersOnly() async throws {
        var configuration = try await TestEngine.sqlite.freshConfiguration()
        configuration.fingerprintKey = nil
        configuration.adminKey = nil
        let runtime = try RemitRuntime(configuration: configuration, logger: makeTestLogger())
        try await runtime.withStore(logger: makeTestLogger()) { try await runtime.prepare(logger: makeTestLogger()) }
        let manager = FileManager.default
        func mode(_ name: String) throws -> Int {
            let path = name.isEmpty ? configuration.dataDirectory : (configuration.dataDirectory as NSString).appendingPathComponent(name)
            return try #require(manager.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        }
        #expect(try mode("") == 0o700)
        for name in ["remit.sqlite", "warehouse.sqlite", "admin_key", "fingerprint_key"] {
            #expect(try mode(name) == 0o600, "\(name)")
        }
    }
}
