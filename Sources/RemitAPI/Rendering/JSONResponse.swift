import HTTPTypes
import Hummingbird
import NIOCore
import RemitCore

/// JSON responses with Stripe's headers.
enum JSONResponse {
    static func make(status: Int, body: String, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-cache, no-store"
        return Response(status: .init(code: status), headers: headers,
                        body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func ok(_ value: JSONValue) -> Response {
        make(status: 200, body: value.rendered())
    }
}

extension HTTPField.Name {
    static let requestID = Self("Request-Id")!
    static let stripeVersion = Self("Stripe-Version")!
    static let stripeAccount = Self("Stripe-Account")!
    static let idempotencyKey = Self("Idempotency-Key")!
    static let idempotentReplayed = Self("Idempotent-Replayed")!
    static let stripeShouldRetry = Self("Stripe-Should-Retry")!
}
