import RemitWebhooks
import Testing

/// Known answers from research webhooks.md §4 (checked there against stripe-python, svix and openssl).
struct SignatureTests {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    @Test func stripeSignatureMatchesTheKnownAnswer() {
        let body = Array(#"{"id":"evt_1","object":"event","type":"charge.succeeded"}"#.utf8)
        let header = WebhookSignature.stripeHeader(body: body, secrets: [secret], timestamp: 1_614_265_330)
        #expect(header == "t=1614265330,v1=a33c0929285c2f4884243eef2976f385258c033a9c709c64845500f889d1ecde")
    }

    @Test func standardSignatureMatchesSvixsOwnVector() {
        let body = Array(#"{"test": 2432232314}"#.utf8)
        let signature = WebhookSignature.standardSignature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", body: body,
                                                           secrets: [secret], timestamp: 1_614_265_330)
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func rotationSignsWithEverySecret() {
        let body = Array("{}".utf8)
        let other = WebhookSignature.newSecret()
        let header = WebhookSignature.stripeHeader(body: body, secrets: [secret, other], timestamp: 100)
        #expect(header.split(separator: ",").count == 3)
        #expect(WebhookSignature.verifyStripe(header: header, body: body, secrets: [other], now: 100))
        #expect(WebhookSignature.verifyStripe(header: header, body: body, secrets: [secret], now: 100))
        let standard = WebhookSignature.standardSignature(id: "evt_1", body: body, secrets: [secret, other], timestamp: 100)
        #expect(standard.split(separator: " ").count == 2)
    }

    @Test func verificationRefusesTamperingWrongSecretsAndStaleOrFutureTimestamps() {
        let body = Array(#"{"a":1}"#.utf8)
        let header = WebhookSignature.stripeHeader(body: body, secrets: [secret], timestamp: 1000)
        #expect(WebhookSignature.verifyStripe(header: header, body: body, secrets: [secret], now: 1290))
        #expect(!WebhookSignature.verifyStripe(header: header, body: Array(#"{"a":2}"#.utf8), secrets: [secret], now: 1000))
        #expect(!WebhookSignature.verifyStripe(header: header, body: body, secrets: ["whsec_other"], now: 1000))
        #expect(!WebhookSignature.verifyStripe(header: header, body: body, secrets: [secret], now: 1301))
        #expect(!WebhookSignature.verifyStripe(header: header, body: body, secrets: [secret], now: 699))
    }

    @Test func newSecretsAreThirtyTwoRandomBytesInBase64() {
        let first = WebhookSignature.newSecret()
        #expect(first.hasPrefix("whsec_"))
        #expect(first.count == 6 + 44)
        #expect(first != WebhookSignature.newSecret())
    }
}
