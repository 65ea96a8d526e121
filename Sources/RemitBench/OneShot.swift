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

    static func request(_ method: HTTPMethod, host: String, port: Int, path: String, form: String?, basicUser: String)
        async throws -> (status: Int, body: String)
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
            let credentials = ByteBuffer(string: basicUser + ":")
            head.headers.add(name: "Host", value: "\(host):\(port)")
            head.headers.add(name: "Authorization", value: "Basic " + base64(Array(credentials.readableBytesView)))
            head.headers.add(name: "Connection", value: "close")
            if let form {
                head.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                head.headers.add(name: "Content-Length", value: String(form.utf8.count))
                try await outbound.write(contentsOf: [.head(head), .body(.byteBuffer(ByteBuffer(string: form))), .end(nil)])
            } else {
                try await outbound.write(contentsOf: [.head(head), .end(nil)])
            }
            var status = 0
            var body = ""
            for try await part in inbound {
                switch part {
                case .head(let response): status = Int(response.status.code)
                case .body(let buffer): body += String(buffer: buffer)
                case .end: return (status, body)
                }
            }
            return (status, body)
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
}
