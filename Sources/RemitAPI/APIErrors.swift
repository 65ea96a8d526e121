import Hummingbird
import RemitCore

/// Renders a ``StripeError`` as Stripe's error envelope. The one place errors become responses.
struct StripeErrorResponse: HTTPResponseError {
    let error: StripeError

    var status: HTTPResponse.Status { .init(code: error.status) }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONResponse.make(status: error.status, body: error.json.rendered())
    }
}

enum APIErrors {
    static let noKey = StripeError(
        status: 401, type: .invalidRequest,
        message: "You did not provide an API key. You need to provide your API key in the Authorization header, "
            + "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').")

    static func invalidKey(_ hint: String) -> StripeError {
        StripeError(status: 401, type: .invalidRequest, message: "Invalid API Key provided: \(hint)")
    }

    static let notFound = StripeError(
        status: 404, type: .invalidRequest, code: "resource_missing",
        message: "Unrecognized request URL. Please see https://docs.stripe.com/api or contact support.")

    static let methodNotAllowed = StripeError(
        status: 405, type: .invalidRequest, message: "This method is not allowed on this URL.")

    static let bodyTooLarge = StripeError(
        status: 413, type: .invalidRequest, message: "The request body is larger than \(APILimits.bodyBytesMax) bytes.")

    static let internalError = StripeError(
        status: 500, type: .api, message: "An unexpected error occurred. The request id identifies it in the logs.")

    static let unavailable = StripeError(
        status: 503, type: .api, message: "The database is unavailable; retry the request with the same idempotency key.")

    static let rateLimited = StripeError(
        status: 429, type: .invalidRequest, code: "rate_limit",
        message: "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.")

    static func platformOnly(_ path: String) -> StripeError {
        StripeError(status: 403, type: .invalidRequest,
                    message: "Only the platform key can call \(path). Use the platform's secret key.")
    }

    static func noAccess(_ accountID: String) -> StripeError {
        StripeError(status: 403, type: .invalidRequest, code: "account_invalid",
                    message: "The provided key does not have access to account '\(accountID)' (or that account does not exist).")
    }
}
