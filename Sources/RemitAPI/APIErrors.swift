import Hummingbird
import RemitCore

/// Renders a ``StripeError`` as Stripe's error envelope.
struct StripeErrorResponse: HTTPResponseError {
    let error: StripeError

    var status: HTTPResponse.Status { .init(code: error.responseStatus) }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONResponse.make(status: error.responseStatus, body: error.json.rendered())
    }
}

extension StripeError {
    /// The one place an error gets its HTTP status. The ledger and the flows throw domain errors (type, code, param);
    /// Stripe's statuses follow from those: a card refused is 402; the object the URL names not existing is 404 (one a
    /// parameter names is a 400); contention on an object is 429; a key still in use by another request is 409; a
    /// failure of ours is 500; anything else the request got wrong is 400. Only the HTTP layer's own errors (a key
    /// missing, a method or body refused, the store unavailable) carry their status.
    public var responseStatus: Int {
        if let httpStatus { return httpStatus }
        switch type {
        case .card: return 402
        case .api: return 500
        case .idempotency: return code == "idempotency_key_in_use" ? 409 : 400
        case .invalidRequest:
            switch code {
            case "resource_missing" where param == "id": return 404
            case "lock_timeout", "rate_limit": return 429
            default: return 400
            }
        }
    }
}

enum APIErrors {
    static let noKey = StripeError(
        httpStatus: 401, type: .invalidRequest,
        message: "You did not provide an API key. You need to provide your API key in the Authorization header, "
            + "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').")

    static func invalidKey(_ hint: String) -> StripeError {
        StripeError(httpStatus: 401, type: .invalidRequest, message: "Invalid API Key provided: \(hint)")
    }

    /// A publishable key on an endpoint Stripe.js does not call (research/payment-intents.md §7).
    static let secretKeyRequired = StripeError(
        httpStatus: 401, type: .invalidRequest, code: "secret_key_required",
        message: "This API call cannot be made with a publishable API key. Please use a secret API key. "
            + "You can find a list of your API keys at /v1/account/keys.")

    static let notFound = StripeError(
        httpStatus: 404, type: .invalidRequest, code: "resource_missing",
        message: "Unrecognized request URL. Please see https://docs.stripe.com/api or contact support.")

    /// Stripe's answer to a `Stripe-Version` naming no released version: a 400 without a code.
    static func invalidVersion(_ raw: String) -> StripeError {
        StripeError(type: .invalidRequest,
                    message: "Invalid Stripe API version: \(String(raw.prefix(StripeAPIVersion.headerBytesMax)))")
    }

    static let methodNotAllowed = StripeError(
        httpStatus: 405, type: .invalidRequest, message: "This method is not allowed on this URL.")

    static let bodyTooLarge = StripeError(
        httpStatus: 413, type: .invalidRequest, message: "The request body is larger than \(APILimits.bodyBytesMax) bytes.")

    static let internalError = StripeError(
        httpStatus: 500, type: .api, message: "An unexpected error occurred. The request id identifies it in the logs.")

    static let unavailable = StripeError(
        httpStatus: 503, type: .api, message: "The database is unavailable; retry the request with the same idempotency key.")

    static let rateLimited = StripeError(
        httpStatus: 429, type: .invalidRequest, code: "rate_limit",
        message: "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.")

    static func platformOnly(_ path: String) -> StripeError {
        StripeError(httpStatus: 403, type: .invalidRequest,
                    message: "Only the platform key can call \(path). Use the platform's secret key.")
    }

    static func noAccess(_ accountID: String) -> StripeError {
        StripeError(httpStatus: 403, type: .invalidRequest, code: "account_invalid",
                    message: "The provided key does not have access to account '\(accountID)' (or that account does not exist).")
    }
}
