import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

/// A decoded API answer.
public struct APIResult: Sendable {
    public let status: Int
    public let headers: HTTPFields
    public let body: String

    /// The body as a JSON dictionary (empty when it is not one).
    public var json: [String: Any] {
        guard let data = body.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return object
    }

    public subscript(_ key: String) -> Any? { json[key] }

    public func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { headers[$0] } }

    public var id: String { json["id"] as? String ?? "" }

    public var error: [String: Any] { json["error"] as? [String: Any] ?? [:] }
}

/// Sends form-encoded requests through the router, with an API key, as Stripe's clients do.
public struct APITestClient: Sendable {
    let client: any TestClientProtocol

    public init(_ client: any TestClientProtocol) { self.client = client }

    public func post(_ path: String, _ parameters: [(String, String)] = [], key: String?,
                     idempotencyKey: String? = nil, headers extra: [String: String] = [:]) async throws -> APIResult {
        let body = Self.encode(parameters)
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let key { headers[.authorization] = "Bearer \(key)" }
        if let idempotencyKey { headers[HTTPField.Name("Idempotency-Key")!] = idempotencyKey }
        for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
        return try await send(path, .post, headers, ByteBuffer(string: body))
    }

    public func get(_ path: String, _ parameters: [(String, String)] = [], key: String?,
                    headers extra: [String: String] = [:]) async throws -> APIResult {
        var headers: HTTPFields = [:]
        if let key { headers[.authorization] = "Bearer \(key)" }
        for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
        let query = Self.encode(parameters, encodeBrackets: true)
        return try await send(query.isEmpty ? path : path + "?" + query, .get, headers, nil)
    }

    public func delete(_ path: String, key: String?) async throws -> APIResult {
        var headers: HTTPFields = [:]
        if let key { headers[.authorization] = "Bearer \(key)" }
        return try await send(path, .delete, headers, nil)
    }

    public func raw(_ path: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws
        -> APIResult
    {
        try await send(path, method, headers, body)
    }

    private func send(_ uri: String, _ method: HTTPRequest.Method, _ headers: HTTPFields, _ body: ByteBuffer?)
        async throws -> APIResult
    {
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        return APIResult(status: Int(response.status.code), headers: response.headers, body: String(buffer: response.body))
    }

    /// Form encoding as stripe-python does it (brackets literal in bodies, percent-encoded in queries).
    public static func encode(_ parameters: [(String, String)], encodeBrackets: Bool = false) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        if !encodeBrackets { allowed.insert(charactersIn: "[]") }
        return parameters.map { key, value in
            let k = key.addingPercentEncoding(withAllowedCharacters: allowed) ?? key
            let v = value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
            return "\(k)=\(v)"
        }.joined(separator: "&")
    }
}
