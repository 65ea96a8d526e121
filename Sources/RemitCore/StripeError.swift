/// An error as Stripe reports it: HTTP status plus the `error` envelope.
///
/// Business code throws these; the API layer renders them in one place.
public struct StripeError: Error, Sendable, Equatable {
    public enum Kind: String, Sendable {
        case invalidRequest = "invalid_request_error"
        case card = "card_error"
        case idempotency = "idempotency_error"
        case api = "api_error"
    }

    /// Only for the errors the HTTP layer raises itself (authentication, routing, body size, availability). A domain
    /// error (everything the ledger and the flows throw) leaves it nil: its status follows from its type, code and
    /// param, by one rule in the API (`StripeError.responseStatus`), so the ledger never speaks HTTP.
    public var httpStatus: Int?
    public var type: Kind
    public var code: String?
    public var message: String
    public var param: String?
    public var declineCode: String?
    /// The failed charge's id, for card errors.
    public var charge: String?
    /// Objects the envelope carries whole: `payment_intent` (an intent's errors), `payment_method` (its card errors).
    public var embedded: [(name: String, object: JSONValue)] = []

    /// A domain error.
    public init(type: Kind, code: String? = nil, message: String, param: String? = nil,
                declineCode: String? = nil, charge: String? = nil) {
        self.httpStatus = nil
        self.type = type
        self.code = code
        self.message = message
        self.param = param
        self.declineCode = declineCode
        self.charge = charge
    }

    /// An error of the HTTP layer itself, with its status.
    public init(httpStatus: Int, type: Kind, code: String? = nil, message: String) {
        self.init(type: type, code: code, message: message)
        self.httpStatus = httpStatus
    }

    public static func == (lhs: StripeError, rhs: StripeError) -> Bool {
        lhs.httpStatus == rhs.httpStatus && lhs.type == rhs.type && lhs.code == rhs.code && lhs.message == rhs.message
            && lhs.param == rhs.param && lhs.declineCode == rhs.declineCode && lhs.charge == rhs.charge
            && lhs.embedded.map(\.name) == rhs.embedded.map(\.name)
            && lhs.embedded.map(\.object) == rhs.embedded.map(\.object)
    }

    /// The answer's body: `{"error": …}`.
    public var json: JSONValue { .object([("error", object)]) }

    /// The error object itself, as an intent's `last_payment_error` also shows it.
    public var object: JSONValue {
        var fields: [(String, JSONValue)] = [("type", .string(type.rawValue))]
        if let code { fields.append(("code", .string(code))) }
        fields.append(("message", .string(message)))
        if let param { fields.append(("param", .string(param))) }
        if let declineCode { fields.append(("decline_code", .string(declineCode))) }
        if let charge { fields.append(("charge", .string(charge))) }
        if let code { fields.append(("doc_url", .string("https://docs.stripe.com/error-codes/\(code.replacingUnderscores())"))) }
        for (name, object) in embedded { fields.append((name, object)) }
        return .object(fields)
    }

    // MARK: Common errors

    public static func missing(_ param: String) -> StripeError {
        StripeError(type: .invalidRequest, code: "parameter_missing",
                    message: "Missing required param: \(param).", param: param)
    }

    public static func unknown(_ param: String) -> StripeError {
        StripeError(type: .invalidRequest, code: "parameter_unknown",
                    message: "Received unknown parameter: \(param)", param: param)
    }

    public static func invalid(_ param: String, _ message: String, code: String = "parameter_invalid_string") -> StripeError {
        StripeError(type: .invalidRequest, code: code, message: message, param: param)
    }

    public static func invalidInteger(_ param: String, _ value: String) -> StripeError {
        StripeError(type: .invalidRequest, code: "parameter_invalid_integer",
                    message: "Invalid integer: \(value)", param: param)
    }

    /// An object that does not exist, or belongs to another account (indistinguishable on purpose). The one the URL
    /// names (`param` "id") is not found; one a parameter names makes the request invalid.
    public static func noSuch(_ noun: String, _ id: String, param: String = "id") -> StripeError {
        StripeError(type: .invalidRequest, code: "resource_missing",
                    message: "No such \(noun): '\(id)'", param: param)
    }
}

extension String {
    func replacingUnderscores() -> String { String(map { $0 == "_" ? "-" : $0 }) }
}

extension StripeError {
    /// A concurrent request changed the object between this request's read and its write (Stripe answers this
    /// `lock_timeout` when two requests contend for one object); retrying reads the new state.
    public static let lockTimeout = StripeError(
        type: .invalidRequest, code: "lock_timeout",
        message: "This object cannot be accessed right now because another API request is currently accessing it. "
            + "If you see this error intermittently, retry the request.")
}
