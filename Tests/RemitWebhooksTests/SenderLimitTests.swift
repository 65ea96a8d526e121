import Foundation
import RemitCore
import RemitWebhooks
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A loopback HTTP server written against sockets, so it can misbehave as a hostile receiver does: answer its head,
/// then its body one byte at a time, or with bytes that are not text.
final class RawReceiver: Sendable {
    let port: UInt16
    private let listener: Int32

    /// - Parameters:
    ///   - body: the response body, sent one byte every `interval` (at once when `interval` is zero).
    init(body: [UInt8], interval: Duration) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
        }
        guard bound == 0, listen(listener, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        self.listener = listener
        let thread = Thread {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            // The whole request first (head and Content-Length body): closing on unread bytes would reset the
            // connection and could discard the answer before the sender reads it.
            var request: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while !RawReceiver.isComplete(request) {
                let count = recv(connection, &buffer, buffer.count, 0)
                guard count > 0 else { break }
                request += buffer[..<count]
            }
            let head = Array("HTTP/1.1 200 OK\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8)
            _ = send(connection, head, head.count, Int32(MSG_NOSIGNAL))
            if interval == .zero {
                _ = send(connection, body, body.count, Int32(MSG_NOSIGNAL))
            } else {
                for byte in body {
                    guard send(connection, [byte], 1, Int32(MSG_NOSIGNAL)) == 1 else { break }
                    Thread.sleep(forTimeInterval: Double(interval.components.attoseconds) / 1e18
                                 + Double(interval.components.seconds))
                }
            }
            shutdown(connection, Int32(SHUT_WR))
            while recv(connection, &buffer, buffer.count, 0) > 0 {}
            close(connection)
        }
        thread.start()
    }

    /// Whether `bytes` hold a request's head and as much body as its `Content-Length` says.
    static func isComplete(_ bytes: [UInt8]) -> Bool {
        let separator = Array("\r\n\r\n".utf8)
        guard let end = (0...max(0, bytes.count - separator.count)).first(where: {
            bytes.count >= separator.count && Array(bytes[$0..<$0 + separator.count]) == separator
        }) else { return false }
        let head = String(decoding: bytes[..<end], as: UTF8.self).lowercased()
        let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
            .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
        return bytes.count - (end + separator.count) >= length
    }

    deinit { close(listener) }
}

struct SenderLimitTests {
    static func sender(totalTimeout: Duration) -> WebhookSender {
        var configuration = WebhookSenderConfiguration()
        configuration.addressPolicy = AddressPolicy(allowed: [CIDR("127.0.0.0/8")!])
        configuration.totalTimeout = totalTimeout
        return WebhookSender(configuration: configuration)
    }

    static func request(_ port: UInt16) -> WebhookRequest {
        WebhookRequest(url: "http://127.0.0.1:\(port)/hooks", eventID: "evt_1", body: Array("{}".utf8), secrets: ["whsec_x"])
    }

    @Test func aReceiverThatTricklesItsBodyIsCutOffAtTheTotalTimeout() async throws {
        // 100 bytes at one every 200 ms: each read is quick, the whole takes 20 s; the attempt's limit is 1 s.
        let receiver = try RawReceiver(body: Array(repeating: UInt8(ascii: "x"), count: 100), interval: .milliseconds(200))
        let sender = Self.sender(totalTimeout: .seconds(1))
        // The receiver must outlive the attempt: released early, it would close its listener under the sender.
        defer { withExtendedLifetime(receiver) {} }
        let result = await sender.send(Self.request(receiver.port))
        try await sender.shutdown()
        #expect(result.errorKind == "timeout", "\(result)")
        #expect(result.httpStatus == nil)
    }

    @Test func aBodyThatIsNotTextIsKeptAsStorableText() async throws {
        let receiver = try RawReceiver(body: [UInt8(ascii: "a"), 0, 0xFF, UInt8(ascii: "b")], interval: .zero)
        // Not a test of time: a limit the loaded test machine cannot reach by accident.
        let sender = Self.sender(totalTimeout: .seconds(120))
        defer { withExtendedLifetime(receiver) {} }
        let result = await sender.send(Self.request(receiver.port))
        try await sender.shutdown()
        #expect(result.succeeded, "\(result)")
        #expect(result.responseHead == "a\u{FFFD}\u{FFFD}b")
    }
}
