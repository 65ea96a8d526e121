import HTTPTypes
import NIOCore
import RemitAPI
import RemitCore
import RemitTesting
import Testing

/// The parser's limits and string rules: hostile input is refused with a 400 that names the parameter.
struct FormLimitTests {
    /// The error a parse throws, or nil when it parses.
    static func refusal(_ text: String) -> StripeError? {
        do {
            _ = try Form.parse(text[...])
            return nil
        } catch {
            return error
        }
    }

    static func refusal(bytes: [UInt8]) -> StripeError? {
        do {
            _ = try Form.parse(bytes: bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func theDeepestStripeParameterParsesAndOneLevelPastTheLimitDoesNot() throws {
        let deepest = "schedule_details[phases][0][items][0][price_data][recurring][interval]=month"
        let form = try Form.parse(deepest[...])
        #expect(form.canonicalText == deepest)
        let atLimit = "a" + String(repeating: "[b]", count: FormLimits.depthMax - 1) + "=1"
        #expect(Self.refusal(atLimit) == nil)
        let past = "a" + String(repeating: "[b]", count: FormLimits.depthMax) + "=1"
        let error = try #require(Self.refusal(past))
        #expect(error.responseStatus == 400 && error.param == "a")
        #expect(error.message.contains("nested more than \(FormLimits.depthMax) levels"))
    }

    @Test func aMegabyteOfBracketsIsRefusedAtTheDepthLimit() throws {
        // The body that crashed the server: about 350,000 levels of `[]`.
        let body = "a" + String(repeating: "[]", count: (1 << 20) / 2 - 2) + "=1"
        let error = try #require(Self.refusal(body))
        #expect(error.param == "a")
    }

    @Test func pairsPastTheLimitAreRefusedNamingTheFirstOneTooMany() throws {
        let within = (0..<FormLimits.pairsMax).map { "k=\($0)" }.joined(separator: "&")
        #expect(Self.refusal(within) == nil)
        let error = try #require(Self.refusal(within + "&extra=1"))
        #expect(error.param == "extra")
        #expect(error.message.contains("at most \(FormLimits.pairsMax)"))
    }

    @Test func aHashTakesAtMostItsLimitOfKeysAndAnArrayItsLimitOfElements() throws {
        let keys = (0..<FormLimits.keysPerHashMax).map { "metadata[k\($0)]=v" }.joined(separator: "&")
        #expect(Self.refusal(keys) == nil)
        let tooManyKeys = try #require(Self.refusal(keys + "&metadata[one_more]=v"))
        #expect(tooManyKeys.param == "metadata[one_more]")
        #expect(tooManyKeys.message.contains("more than \(FormLimits.keysPerHashMax) keys"))
        let topLevel = (0...FormLimits.keysPerHashMax).map { "k\($0)=v" }.joined(separator: "&")
        #expect(try #require(Self.refusal(topLevel)).param == "k\(FormLimits.keysPerHashMax)")

        let elements = (0..<FormLimits.arrayElementsMax).map { "enabled_events[]=e\($0)" }.joined(separator: "&")
        let form = try Form.parse(elements[...])
        var reader = FormReader(form)
        #expect(try reader.array("enabled_events", maxCount: FormLimits.arrayElementsMax)?.count == FormLimits.arrayElementsMax)
        let tooMany = try #require(Self.refusal(elements + "&enabled_events[]=last"))
        #expect(tooMany.param == "enabled_events[]")
        let indexed = (0...FormLimits.arrayElementsMax).map { "expand[\($0)]=x" }.joined(separator: "&")
        #expect(try #require(Self.refusal(indexed)).message.contains("more than \(FormLimits.arrayElementsMax) elements"))
    }

    @Test func keysAndValuesPastTheirLengthAreRefusedWithoutEchoingThemWhole() throws {
        let longKey = String(repeating: "k", count: FormLimits.keyBytesMax + 1)
        let keyError = try #require(Self.refusal(longKey + "=1"))
        #expect(keyError.responseStatus == 400)
        #expect((keyError.param ?? "").count <= 120 && keyError.message.count < 400)
        #expect(Self.refusal(String(repeating: "k", count: FormLimits.keyBytesMax) + "=1") == nil)
        let longValue = "description=" + String(repeating: "v", count: FormLimits.valueBytesMax + 1)
        #expect(try #require(Self.refusal(longValue)).param == "description")
        // Percent-escapes count decoded: 3 bytes of input make 1 of value.
        let escaped = "description=" + String(repeating: "%41", count: FormLimits.valueBytesMax)
        #expect(Self.refusal(escaped) == nil)
    }

    @Test(arguments: [
        ("name=ab%00cd", "name"),
        ("na%00me=x", "na%00me"),
        ("metadata[k]=%00", "metadata[k]"),
        ("name=%C3%28", "name"),
        ("name=%FF", "name"),
        ("name=%E2%82", "name"),
    ])
    func nulAndInvalidUTF8AreRefusedNamingTheParameter(body: String, param: String) throws {
        let error = try #require(Self.refusal(body))
        #expect(error.responseStatus == 400 && error.type == .invalidRequest)
        #expect(error.param == param)
    }

    @Test func rawBytesThatAreNotUTF8AreRefusedNotRepaired() throws {
        var body = Array("name=ab".utf8)
        body.append(0xC3)
        body.append(0x28)
        #expect(try #require(Self.refusal(bytes: body)).param == "name")
        var nul = Array("name=a".utf8)
        nul.append(0)
        #expect(try #require(Self.refusal(bytes: nul)).message.contains("NUL"))
        #expect(try Form.parse(bytes: Array("name=%C3%A9t%C3%A9".utf8))["name"].map { node -> String in
            if case .value(let text) = node { return text } else { return "" }
        } == "été")
    }

    @Test(arguments: TestEngine.available)
    func theAPIAnswersEveryHostileBodyWithA400(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let bodies: [[UInt8]] = [
                Array(("a" + String(repeating: "[]", count: 200_000) + "=1").utf8),
                Array((0..<40_000).map { "metadata[k\($0)]=v" }.joined(separator: "&").utf8),
                Array((0..<80_000).map { "a[]=\($0)" }.joined(separator: "&").utf8),
                Array("amount=100&currency=usd&source=tok_visa&description=ab%00cd".utf8),
                Array("amount=100&currency=usd&source=tok_visa&description=".utf8) + [0xFF, 0xFE],
            ]
            for body in bodies {
                let result = try await client.raw("/v1/charges", method: .post, headers: [
                    .authorization: "Bearer \(merchant.key)", .contentType: "application/x-www-form-urlencoded",
                ], body: ByteBuffer(bytes: body))
                #expect(result.status == 400, "\(result.body.prefix(200))")
                #expect(result.error["type"] as? String == "invalid_request_error")
                #expect(result.error["param"] is String)
            }
            let query = try await client.get("/v1/charges?" + (0...FormLimits.arrayElementsMax).map { _ in "expand%5B%5D=x" }
                .joined(separator: "&"), key: merchant.key)
            #expect(query.status == 400)
            let nulQuery = try await client.get("/v1/customers?email=a%00b", key: merchant.key)
            #expect(nulQuery.status == 400 && nulQuery.error["param"] as? String == "email")
            let charges = try await client.get("/v1/charges", key: merchant.key)
            #expect((charges["data"] as? [Any])?.isEmpty == true, "no hostile body made a charge")
        }
    }

    @Test(arguments: TestEngine.available)
    func pathIdentifiersWithNulOrInvalidUTF8AreAnsweredWithoutA5xx(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            for path in ["/v1/charges/ch_%00x", "/v1/customers/cus_%FF%FE", "/v1/disputes/dp_%C3%28",
                         "/v1/refunds/re_\u{0}", "/v1/charges/ch_%00x/capture"] {
                let result = path.hasSuffix("capture")
                    ? try await client.post(path, key: merchant.key)
                    : try await client.get(path, key: merchant.key)
                #expect((400..<500).contains(result.status), "\(path): \(result.status) \(result.body.prefix(200))")
            }
        }
    }
}
