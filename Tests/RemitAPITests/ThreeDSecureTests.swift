import Foundation
import RemitApp
import RemitStore
import RemitTesting
import Testing

/// 3-D Secure through the router: the test cards of research/payment-intents.md §3, the hosted challenge page and
/// its answers (§12, behaviours 13–18).
struct ThreeDSecureTests {
    static let cardOnly = [("payment_method_types[]", "card")]
    static let returnURL = "https://shop.example/return?order=7"

    /// A confirmed intent waiting for its challenge, and the challenge page's path.
    static func challenged(_ client: APITestClient, _ key: String, card: String = "pm_card_authenticationRequired",
                           extra: [(String, String)] = []) async throws -> (intent: APIResult, page: String) {
        let intent = try await client.post("/v1/payment_intents", [
            ("amount", "4200"), ("currency", "eur"), ("payment_method", card), ("confirm", "true"),
            ("return_url", returnURL),
        ] + cardOnly + extra, key: key)
        let next = intent["next_action"] as? [String: Any]
        let url = (next?["redirect_to_url"] as? [String: Any])?["url"] as? String ?? ""
        return (intent, URLComponents(string: url)?.path ?? "")
    }

    static func answer(_ client: APITestClient, _ page: String, _ result: String) async throws -> APIResult {
        try await client.post(page, [("result", result)], key: nil)
    }

    static func redirectQuery(_ answer: APIResult) -> [String: String] {
        let items = URLComponents(string: answer.header("Location") ?? "")?.queryItems ?? []
        return Dictionary(items.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
    }

    @Test(arguments: TestEngine.available)
    func aChallengeCompletedOnTheHostedPagePaysTheIntent(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let (intent, page) = try await Self.challenged(client, merchant.key)
            #expect(intent.status == 200, "\(intent.body)")
            #expect(intent["status"] as? String == "requires_action")
            let next = try #require(intent["next_action"] as? [String: Any])
            #expect(next["type"] as? String == "redirect_to_url")
            #expect((next["redirect_to_url"] as? [String: Any])?["return_url"] as? String == Self.returnURL)
            #expect(page.hasPrefix("/3ds/\(intent.id)/payatt_"), "\(page)")
            #expect(intent["latest_charge"] is NSNull, "no charge before the customer authenticates")
            #expect(try await PaymentIntentTests.events(client, merchant.key, "payment_intent.*")
                    == ["payment_intent.created", "payment_intent.requires_action"])

            let shown = try await client.get(page, key: nil)
            #expect(shown.status == 200 && shown.body.contains("id=\"test-source-authorize-3ds\""))
            #expect(shown.body.contains("id=\"test-source-fail-3ds\""))
            let completed = try await Self.answer(client, page, "complete")
            #expect(completed.status == 302)
            let query = Self.redirectQuery(completed)
            #expect(completed.header("Location")?.hasPrefix("https://shop.example/return?order=7&") == true)
            #expect(query["payment_intent"] == intent.id && query["redirect_status"] == "succeeded")
            #expect(query["payment_intent_client_secret"] == intent["client_secret"] as? String)

            let paid = try await client.get("/v1/payment_intents/\(intent.id)", [("expand[]", "latest_charge")],
                                            key: merchant.key)
            #expect(paid["status"] as? String == "succeeded" && paid["next_action"] is NSNull)
            let card = ((paid["latest_charge"] as? [String: Any])?["payment_method_details"] as? [String: Any])?["card"]
                as? [String: Any]
            #expect((card?["three_d_secure"] as? [String: Any])?["result"] as? String == "authenticated")
            #expect(try await Self.answer(client, page, "complete").status == 409, "a challenge is answered once")
            #expect(try await client.get(page, key: nil).status == 404)
            let report = try await LedgerVerifier(database: app.runtime.store.database).verify()
            #expect(report.isConsistent, "\(report.problems)")
        }
    }

    @Test(arguments: TestEngine.available)
    func aFailedChallengeLeavesNoChargeAndTheIntentOpen(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let (intent, page) = try await Self.challenged(client, merchant.key)
            let failed = try await Self.answer(client, page, "fail")
            #expect(failed.status == 302 && Self.redirectQuery(failed)["redirect_status"] == "failed")
            let open = try await client.get("/v1/payment_intents/\(intent.id)", key: merchant.key)
            #expect(open["status"] as? String == "requires_payment_method")
            let lastError = open["last_payment_error"] as? [String: Any]
            #expect(lastError?["code"] as? String == "payment_intent_authentication_failure")
            #expect((lastError?["payment_method"] as? [String: Any])?["object"] as? String == "payment_method")
            let charges = try await client.get("/v1/charges", [("payment_intent", intent.id)], key: merchant.key)
            #expect((charges["data"] as? [Any])?.isEmpty == true)

            // 4000008260003178 authenticates, then the issuer declines.
            let (declining, declinePage) = try await Self.challenged(
                client, merchant.key, card: "pm_card_authenticationRequiredChargeDeclinedInsufficientFunds")
            let declined = try await Self.answer(client, declinePage, "complete")
            #expect(Self.redirectQuery(declined)["redirect_status"] == "failed")
            let after = try await client.get("/v1/payment_intents/\(declining.id)", key: merchant.key)
            #expect(after["status"] as? String == "requires_payment_method")
            #expect((after["last_payment_error"] as? [String: Any])?["decline_code"] as? String == "insufficient_funds")

            // Without a return_url the client SDK handles the challenge.
            let sdk = try await client.post("/v1/payment_intents", [
                ("amount", "4200"), ("currency", "eur"), ("payment_method", "pm_card_threeDSecure2Required"),
                ("confirm", "true"),
            ] + Self.cardOnly, key: merchant.key)
            let next = sdk["next_action"] as? [String: Any]
            #expect(next?["type"] as? String == "use_stripe_sdk")
            #expect((next?["use_stripe_sdk"] as? [String: Any])?["type"] as? String == "three_d_secure_redirect")
            let canceled = try await client.post("/v1/payment_intents/\(sdk.id)/cancel", key: merchant.key)
            #expect(canceled["status"] as? String == "canceled")
            let sdkPage = URLComponents(string: (next?["use_stripe_sdk"] as? [String: Any])?["stripe_js"] as? String ?? "")?.path
            #expect(try await client.get(sdkPage ?? "/3ds/x/y", key: nil).status == 404, "canceling closes the challenge")
        }
    }

    @Test(arguments: TestEngine.available)
    func paymentsThatCannotAuthenticateAreDeclined(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let offSession = try await client.post("/v1/payment_intents", [
                ("amount", "4200"), ("currency", "eur"), ("payment_method", "pm_card_authenticationRequired"),
                ("confirm", "true"), ("off_session", "true"),
            ] + Self.cardOnly, key: merchant.key)
            #expect(offSession.status == 402 && offSession.error["code"] as? String == "authentication_required")
            #expect((offSession.error["payment_intent"] as? [String: Any])?["status"] as? String == "requires_payment_method")
            let strict = try await client.post("/v1/payment_intents", [
                ("amount", "4200"), ("currency", "eur"), ("payment_method", "pm_card_authenticationRequired"),
                ("confirm", "true"), ("error_on_requires_action", "true"),
            ] + Self.cardOnly, key: merchant.key)
            #expect(strict.status == 402 && strict.error["code"] as? String == "authentication_required")
            let charge = try await client.post("/v1/charges", [
                ("amount", "4200"), ("currency", "eur"), ("payment_method", "pm_card_authenticationRequired"),
            ], key: merchant.key)
            #expect(charge.status == 402 && charge.error["decline_code"] as? String == "authentication_required",
                    "the Charges API cannot authenticate")
            let unenrolled = try await client.post("/v1/payment_intents", [
                ("amount", "4200"), ("currency", "eur"), ("payment_method", "pm_card_visa"), ("confirm", "true"),
                ("payment_method_options[card][request_three_d_secure]", "any"),
            ] + Self.cardOnly, key: merchant.key)
            #expect(unenrolled["status"] as? String == "succeeded", "a card not enrolled proceeds without a challenge")
            let optional = try await client.post("/v1/payment_intents", [
                ("amount", "4200"), ("currency", "eur"), ("payment_method", "pm_card_threeDSecureOptional"),
                ("confirm", "true"), ("return_url", Self.returnURL),
                ("payment_method_options[card][request_three_d_secure]", "any"),
            ] + Self.cardOnly, key: merchant.key)
            #expect(optional["status"] as? String == "requires_action", "an optional card authenticates when asked")
            let notAsked = try await client.post("/v1/payment_intents", [
                ("amount", "4200"), ("currency", "eur"), ("payment_method", "pm_card_threeDSecureOptional"),
                ("confirm", "true"),
            ] + Self.cardOnly, key: merchant.key)
            #expect(notAsked["status"] as? String == "succeeded")
            let report = try await LedgerVerifier(database: app.runtime.store.database).verify()
            #expect(report.isConsistent, "\(report.problems)")
        }
    }

    /// 4000002500003155 authenticates once, on session, while being set up; off-session payments then go through.
    /// 4000002760003184 asks every time.
    @Test(arguments: TestEngine.available)
    func aCardSetUpOnSessionPaysOffSession(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let customer = try await client.post("/v1/customers", [("email", "sca@example.com")], key: merchant.key)
            func setUp(_ card: String) async throws -> String {
                let (intent, page) = try await Self.challenged(client, merchant.key, card: card, extra: [
                    ("customer", customer.id), ("setup_future_usage", "off_session"),
                ])
                _ = try await Self.answer(client, page, "complete")
                let paid = try await client.get("/v1/payment_intents/\(intent.id)", key: merchant.key)
                #expect(paid["status"] as? String == "succeeded")
                return paid["payment_method"] as? String ?? ""
            }
            func offSession(_ method: String) async throws -> APIResult {
                try await client.post("/v1/payment_intents", [
                    ("amount", "1500"), ("currency", "eur"), ("customer", customer.id), ("payment_method", method),
                    ("confirm", "true"), ("off_session", "true"),
                ] + Self.cardOnly, key: merchant.key)
            }
            let setUpCard = try await setUp("pm_card_authenticationRequiredOnSetup")
            let later = try await offSession(setUpCard)
            #expect(later.status == 200 && later["status"] as? String == "succeeded", "\(later.body)")
            let alwaysCard = try await setUp("pm_card_authenticationRequired")
            let refused = try await offSession(alwaysCard)
            #expect(refused.status == 402 && refused.error["code"] as? String == "authentication_required")

            // confirmation_method=manual: the challenge returns the intent to the server, which confirms it.
            let (manual, page) = try await Self.challenged(client, merchant.key, extra: [("confirmation_method", "manual")])
            #expect(Self.redirectQuery(try await Self.answer(client, page, "complete"))["redirect_status"] == "succeeded")
            let waiting = try await client.get("/v1/payment_intents/\(manual.id)", key: merchant.key)
            #expect(waiting["status"] as? String == "requires_confirmation")
            let confirmed = try await client.post("/v1/payment_intents/\(manual.id)/confirm",
                                                  [("return_url", Self.returnURL)], key: merchant.key)
            #expect(confirmed["status"] as? String == "succeeded", "\(confirmed.body)")
        }
    }
}

/// `payment_method_options[card][request_three_d_secure]` is the intent's own: set at create or update, it holds for a
/// later confirmation that does not repeat it (as the browser's does not).
struct RememberedCardOptionsTests {
    @Test(arguments: TestEngine.available)
    func aRequestMadeAtCreateAsksAtALaterConfirmation(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let ask = [("payment_method_options[card][request_three_d_secure]", "any")]
            let intent = try await client.post("/v1/payment_intents", [
                ("amount", "2500"), ("currency", "usd"), ("payment_method", "pm_card_threeDSecureOptional"),
            ] + ThreeDSecureTests.cardOnly + ask, key: merchant.key)
            let options = (intent["payment_method_options"] as? [String: Any])?["card"] as? [String: Any]
            #expect(options?["request_three_d_secure"] as? String == "any", "\(intent.body)")
            let confirmed = try await client.post("/v1/payment_intents/\(intent.id)/confirm",
                                                  [("return_url", ThreeDSecureTests.returnURL)], key: merchant.key)
            #expect(confirmed["status"] as? String == "requires_action", "the remembered request asks: \(confirmed.body)")

            let plain = try await client.post("/v1/payment_intents", [
                ("amount", "2500"), ("currency", "usd"), ("payment_method", "pm_card_threeDSecureOptional"),
            ] + ThreeDSecureTests.cardOnly, key: merchant.key)
            let updated = try await client.post("/v1/payment_intents/\(plain.id)", ask, key: merchant.key)
            #expect(((updated["payment_method_options"] as? [String: Any])?["card"] as? [String: Any])?["request_three_d_secure"]
                    as? String == "any")
            let unasked = try await client.post("/v1/payment_intents", [
                ("amount", "2500"), ("currency", "usd"), ("payment_method", "pm_card_threeDSecureOptional"),
                ("confirm", "true"), ("return_url", ThreeDSecureTests.returnURL),
            ] + ThreeDSecureTests.cardOnly, key: merchant.key)
            #expect(unasked["status"] as? String == "succeeded", "without a request an optional card is not challenged")

            let setup = try await client.post("/v1/setup_intents", [("payment_method", "pm_card_threeDSecureOptional")]
                                              + ThreeDSecureTests.cardOnly + ask, key: merchant.key)
            let setupConfirmed = try await client.post("/v1/setup_intents/\(setup.id)/confirm",
                                                       [("return_url", ThreeDSecureTests.returnURL)], key: merchant.key)
            #expect(setupConfirmed["status"] as? String == "requires_action", "\(setupConfirmed.body)")
        }
    }
}

/// Behind a TLS-terminating proxy the challenge URL is the one the customer can open.
struct ChallengeURLTests {
    @Test(arguments: TestEngine.available)
    func theChallengeURLFollowsTheProxysScheme(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            func url(_ headers: [String: String]) async throws -> String {
                let intent = try await client.post("/v1/payment_intents", [
                    ("amount", "4200"), ("currency", "usd"), ("payment_method", "pm_card_authenticationRequired"),
                    ("confirm", "true"), ("return_url", ThreeDSecureTests.returnURL),
                ] + ThreeDSecureTests.cardOnly, key: merchant.key, headers: headers)
                let next = intent["next_action"] as? [String: Any]
                return (next?["redirect_to_url"] as? [String: Any])?["url"] as? String ?? ""
            }
            #expect(try await url(["X-Forwarded-Proto": "https", "X-Forwarded-Host": "pay.example.com"])
                .hasPrefix("https://pay.example.com/3ds/pi_"))
            #expect(try await url(["Forwarded": "for=192.0.2.60;proto=https;host=\"shop.example.org\""])
                .hasPrefix("https://shop.example.org/3ds/pi_"))
            #expect(try await url(["X-Forwarded-Host": "bad host/<script>"]).hasPrefix("http://"),
                    "a host that is not one is ignored")
            #expect(!(try await url(["X-Forwarded-Host": "bad host/<script>"]).contains("<script>")))
        }
    }
}
