import NIOHTTP1

/// How the ledger torture reaches a Remit: through the router in a test, over loopback HTTP in `remit bench
/// ledger-torture`. Requests are form-encoded, authenticated with a secret key, as Stripe's clients send them.
public protocol TortureTransport: Sendable {
    func send(_ request: TortureRequest) async throws -> TortureResponse
}

public struct TortureRequest: Sendable {
    public enum Method: String, Sendable { case get = "GET", post = "POST" }

    public var method: Method
    public var path: String
    public var parameters: [(String, String)]
    public var key: String
    public var idempotencyKey: String?

    public init(method: Method, path: String, parameters: [(String, String)] = [], key: String,
                idempotencyKey: String? = nil) {
        self.method = method
        self.path = path
        self.parameters = parameters
        self.key = key
        self.idempotencyKey = idempotencyKey
    }

    /// The parameters form-encoded (brackets kept literal in bodies, as stripe-python sends them).
    public var encodedParameters: String {
        parameters.map { Self.escape($0.0) + "=" + Self.escape($0.1) }.joined(separator: "&")
    }

    static func escape(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                 UInt8(ascii: "~"), UInt8(ascii: "["), UInt8(ascii: "]"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                output += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return output
    }
}

public struct TortureResponse: Sendable {
    public var status: Int
    public var body: String
    /// `Idempotent-Replayed: true`.
    public var replayed: Bool

    public init(status: Int, body: String, replayed: Bool) {
        self.status = status
        self.body = body
        self.replayed = replayed
    }
}

/// The transport of `remit bench ledger-torture`: one loopback HTTP/1.1 exchange per request.
public struct LoopbackTortureTransport: TortureTransport {
    let host: String
    let port: Int

    public init(host: String = "127.0.0.1", port: Int) {
        self.host = host
        self.port = port
    }

    public func send(_ request: TortureRequest) async throws -> TortureResponse {
        var headers = ["Authorization": "Bearer " + request.key]
        if let key = request.idempotencyKey { headers["Idempotency-Key"] = key }
        let form = request.method == .post ? request.encodedParameters : nil
        let path = request.method == .get && !request.parameters.isEmpty
            ? request.path + "?" + request.encodedParameters.replacingBrackets() : request.path
        let response = try await OneShot.exchange(request.method == .post ? .POST : .GET, host: host, port: port,
                                                  path: path, form: form, headers: headers)
        return TortureResponse(status: response.status, body: response.body,
                               replayed: response.headers.first(name: "Idempotent-Replayed") == "true")
    }
}

extension String {
    /// Brackets percent-encoded, as a query string carries them.
    func replacingBrackets() -> String {
        var output = ""
        for character in self {
            switch character {
            case "[": output += "%5B"
            case "]": output += "%5D"
            default: output.append(character)
            }
        }
        return output
    }
}
