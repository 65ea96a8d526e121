import RemitAPI
import RemitCore
import Testing

/// The ledger throws domain errors; the API gives each its HTTP status by one rule.
@Suite struct ErrorStatusTests {
    @Test func eachDomainErrorGetsStripesStatusFromItsTypeCodeAndParam() {
        #expect(StripeError.missing("amount").responseStatus == 400)
        #expect(StripeError.invalid("amount", "Amount must be at least 1.", code: "amount_too_small").responseStatus == 400)
        #expect(StripeError.noSuch("charge", "ch_x").responseStatus == 404, "the object the URL names")
        #expect(StripeError.noSuch("charge", "ch_x", param: "charge").responseStatus == 400, "an object a parameter names")
        #expect(StripeError(type: .card, code: "card_declined", message: "Your card was declined.").responseStatus == 402)
        #expect(StripeError.lockTimeout.responseStatus == 429)
        #expect(StripeError(type: .idempotency, code: "idempotency_key_in_use", message: "in use").responseStatus == 409)
        #expect(StripeError(type: .idempotency, message: "Keys for idempotent requests can only be used with the same parameters")
            .responseStatus == 400)
        #expect(StripeError(type: .api, message: "failed").responseStatus == 500)
    }

    @Test func theHTTPLayersOwnErrorsKeepTheirStatus() {
        #expect(StripeError(httpStatus: 401, type: .invalidRequest, message: "no key").responseStatus == 401)
        #expect(StripeError(httpStatus: 404, type: .invalidRequest, code: "resource_missing", message: "no route")
            .responseStatus == 404)
        #expect(StripeError(httpStatus: 503, type: .api, message: "unavailable").responseStatus == 503)
    }
}
