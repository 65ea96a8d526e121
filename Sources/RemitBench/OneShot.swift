import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A single request on a fresh connection, for benchmark set-up (creating the merchant) and the demo's traffic.
public enum OneShot {
    public static func post(host: String, port: Int, path: String, form: String, basicUser: String) async throws
        -> (status: Int, body: String)
    {
        try await request(.POST, host: host, port: port, path: path, form: form, basicUser: basicUser)
    }

    public static func get(host: String, port: Int, path: String, basicUser: String) async throws -> (status: Int, body: String) {
        try await request(.GET, host: host, port: port, path: path, form: nil, basicUser: basicUser)
    }

    /// A GET with `Authorization: Bearer <token>`, returning the response's headers too (lowercased names).
    public static func get(host: String, port: Int, path: String, bearer: String) async throws
        -> (status: Int, headers: [String: String], body: String)
    {
        let response = try await exchange(.GET, host: host, port: port, path: path, form: nil,
                                          headers: ["Authorization": "Bearer " + bearer])
        var headers: [String: String] = [:]
        for (name, value) in response.headers { headers[name.lowercased()] = value }
        return (response.status, headers, response.body)
    }

    static func request(_ method: HTTPMethod, host: String, port: Int, path: String, form: String?, basicUser: String)
        async throws -> (status: Int, body: String)
    {
        let credentials = ByteBuffer(string: basicUser + ":")
        let response = try await exchange(method, host: host, port: port, path: path, form: form,
                                          headers: ["Authorization": "Basic " + base64(Array(credentials.readableBytesView))])
        return (response.status, response.body)
    }

    static func exchange(_ method: HTTPMethod, host: String, port: Int, path: String, form: String?,
                         headers extra: [String: String])
        async throws -> (status: Int, headers: HTTPHeaders, body: String)
    {
        let connection = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        return try await connection.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
            head.headers.add(name: "Host", value: "\(host):\(port)")
            for (name, value) in extra { head.headers.add(name: name, value: value) }
            head.headers.add(name: "Connection", value: "close")
            if let form {
                head.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                head.headers.add(name: "Content-Length", value: String(form.utf8.count))
                try await outbound.write(contentsOf: [.head(head), .body(.byteBuffer(ByteBuffer(string: form))), .end(nil)])
            } else {
                try await outbound.write(contentsOf: [.head(head), .end(nil)])
            }
            var status = 0
            var headers = HTTPHeaders()
            var body = ""
            for try await part in inbound {
                switch part {
                case .head(let response): (status, headers) = (Int(response.status.code), response.headers)
                case .body(let buffer): body += String(buffer: buffer)
                case .end: return (status, headers, body)
                }
            }
            return (status, headers, body)
        }
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var output = ""
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value = (UInt32(chunk[0]) << 16) | (UInt32(chunk.count > 1 ? chunk[1] : 0) << 8)
                | UInt32(chunk.count > 2 ? chunk[2] : 0)
            for position in 0..<4 {
                if position <= chunk.count {
                    output.append(alphabet[Int((value >> (18 - 6 * UInt32(position))) & 0x3F)])
                } else {
                    output.append("=")
                }
            }
            index += 3
        }
        return output
    }

    /// Returns once `GET /healthz` answers 200, polling every 50 ms for up to `timeout`.
    public static func waitForHealth(host: String, port: Int, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let (status, _) = try? await get(host: host, port: port, path: "/healthz", basicUser: ""), status == 200 {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServerDidNotStart(host: host, port: port)
    }

    /// Creates a merchant with the platform key (Remit's `POST /v1/accounts` extension); returns its secret key.
    public static func createMerchant(host: String, port: Int, adminKey: String) async throws -> String {
        let (status, body) = try await post(host: host, port: port, path: "/v1/accounts", form: "type=custom", basicUser: adminKey)
        guard status == 200,
              let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
              let key = json["secret_key"] as? String
        else {
            throw MerchantCreationFailed(status: status, body: body)
        }
        return key
    }
}

/// `POST /v1/accounts` did not answer a merchant with its key.
public struct MerchantCreationFailed: Error, CustomStringConvertible {
    public let status: Int
    public let body: String
    public var description: String { "could not create a merchant (HTTP \(status)): \(body)" }
}

/// `GET /healthz` did not answer 200 in time.
public struct ServerDidNotStart: Error, CustomStringConvertible {
    public let host: String
    public let port: Int
    public var description: String { "the server did not start on \(host):\(port)" }
}
