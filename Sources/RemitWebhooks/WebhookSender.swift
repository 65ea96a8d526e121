import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RemitCore

/// One HTTP attempt of a delivery, as sent.
public struct WebhookRequest: Sendable {
    public var url: String
    public var eventID: String
    /// The event's exact JSON bytes.
    public var body: [UInt8]
    /// Every active secret of the endpoint (two while a rolled secret is still valid).
    public var secrets: [String]

    public init(url: String, eventID: String, body: [UInt8], secrets: [String]) {
        self.url = url
        self.eventID = eventID
        self.body = body
        self.secrets = secrets
    }
}

/// What one attempt came to: the attempts table's row and the retry decision's inputs.
public struct WebhookAttemptResult: Sendable, Equatable {
    public var httpStatus: Int?
    public var durationMilliseconds: Int
    /// nil on success; else `http_status`, `redirect`, `timeout`, `connect`, `tls`, `blocked_address`,
    /// `invalid_url`, `io`.
    public var errorKind: String?
    /// The first 4 KiB of the response body (or the error's text).
    public var responseHead: String?
    /// `Retry-After` of a 429 or 503.
    public var retryAfter: Duration?

    public var succeeded: Bool { errorKind == nil }

    public init(httpStatus: Int?, durationMilliseconds: Int, errorKind: String?, responseHead: String?,
                retryAfter: Duration? = nil) {
        self.httpStatus = httpStatus
        self.durationMilliseconds = durationMilliseconds
        self.errorKind = errorKind
        self.responseHead = responseHead
        self.retryAfter = retryAfter
    }
}

/// Timeouts and identity of the delivery HTTP client.
public struct WebhookSenderConfiguration: Sendable {
    public var connectTimeout: Duration = .seconds(5)
    public var totalTimeout: Duration = .seconds(30)
    public var userAgent: String = "Remit/0.1"
    public var addressPolicy = AddressPolicy()
    /// Keep-alive connections per host (the per-endpoint in-flight cap bounds what one endpoint uses).
    public var connectionsPerHost = 16

    public init() {}
}

/// Sends signed deliveries: POST of the exact event bytes; any 2xx is success; redirects are never followed;
/// at most 64 KiB of a response is read and 4 KiB kept. The SSRF guard runs on every new connection's
/// peer address, so what is checked is what is used.
public final class WebhookSender: Sendable {
    public static let responseReadLimit = 64 * 1024
    public static let responseKeepLimit = 4 * 1024
    /// The largest event a delivery carries (research webhooks.md §3.3).
    public static let payloadLimit = 256 * 1024

    let client: HTTPClient
    let configuration: WebhookSenderConfiguration
    let now: @Sendable () -> Date

    public init(configuration: WebhookSenderConfiguration, now: @escaping @Sendable () -> Date = { Date() }) {
        self.configuration = configuration
        self.now = now
        var http = HTTPClient.Configuration()
        http.redirectConfiguration = .disallow
        http.timeout = .init(connect: .nanoseconds(configuration.connectTimeout.nanoseconds),
                             read: .nanoseconds(configuration.totalTimeout.nanoseconds))
        http.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = configuration.connectionsPerHost
        // Our own retry schedule decides what happens after a failed connection.
        http.connectionPool.retryConnectionEstablishment = false
        http.decompression = .disabled
        let policy = configuration.addressPolicy
        let guardConnection: @Sendable (any Channel) -> EventLoopFuture<Void> = { channel in
            guard let peer = channel.remoteAddress, let bytes = peer.addressBytes, policy.permits(bytes) else {
                let address = channel.remoteAddress?.ipAddress ?? "unknown"
                return channel.close().flatMapThrowing { throw BlockedAddress(address: address) }
            }
            return channel.eventLoop.makeSucceededVoidFuture()
        }
        http.http1_1ConnectionDebugInitializer = guardConnection
        http.http2ConnectionDebugInitializer = guardConnection
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
    }

    public func shutdown() async throws { try await client.shutdown() }

    public func send(_ request: WebhookRequest) async -> WebhookAttemptResult {
        let started = ContinuousClock.now
        func elapsed() -> Int { Int((ContinuousClock.now - started).wholeMilliseconds) }
        if let refusal = refusal(of: request.url) {
            return WebhookAttemptResult(httpStatus: nil, durationMilliseconds: 0, errorKind: refusal.kind,
                                        responseHead: refusal.message)
        }
        let timestamp = Int64(now().timeIntervalSince1970)
        var http = HTTPClientRequest(url: request.url)
        http.method = .POST
        http.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        http.headers.add(name: "User-Agent", value: configuration.userAgent)
        http.headers.add(name: "Stripe-Signature", value: WebhookSignature.stripeHeader(
            body: request.body, secrets: request.secrets, timestamp: timestamp))
        http.headers.add(name: "webhook-id", value: request.eventID)
        http.headers.add(name: "webhook-timestamp", value: String(timestamp))
        http.headers.add(name: "webhook-signature", value: WebhookSignature.standardSignature(
            id: request.eventID, body: request.body, secrets: request.secrets, timestamp: timestamp))
        http.body = .bytes(ByteBuffer(bytes: request.body))
        // The total timeout covers the whole attempt, the response body included: a receiver that trickles its body
        // a byte at a time (each under the read timeout) is cut off all the same.
        let deadline = ContinuousClock.now + configuration.totalTimeout
        let outcome = await withTaskGroup(of: Result<WebhookAttemptResult, any Error>?.self) { group in
            group.addTask { [self, http] in
                do { return .success(try await self.exchange(http, started: started)) } catch { return .failure(error) }
            }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        switch outcome {
        case .success(let result)?: return result
        case .failure(let error)?:
            return WebhookAttemptResult(httpStatus: nil, durationMilliseconds: elapsed(), errorKind: Self.kind(of: error),
                                        responseHead: StorableText.from(String(describing: error), bytesMax: Self.responseKeepLimit))
        case nil:
            return WebhookAttemptResult(httpStatus: nil, durationMilliseconds: elapsed(), errorKind: "timeout",
                                        responseHead: "no complete response within \(configuration.totalTimeout)")
        }
    }

    /// The request and its response, the body read up to ``responseReadLimit`` and kept up to
    /// ``responseKeepLimit`` bytes, as storable text.
    private func exchange(_ http: HTTPClientRequest, started: ContinuousClock.Instant) async throws -> WebhookAttemptResult {
        func elapsed() -> Int { Int((ContinuousClock.now - started).wholeMilliseconds) }
        let response = try await client.execute(http, timeout: .nanoseconds(configuration.totalTimeout.nanoseconds))
        var kept = [UInt8]()
        var read = 0
        for try await chunk in response.body {
            read += chunk.readableBytes
            if kept.count < Self.responseKeepLimit {
                kept += chunk.readableBytesView.prefix(Self.responseKeepLimit - kept.count)
            }
            if read >= Self.responseReadLimit { break }
        }
        let status = Int(response.status.code)
        let head = StorableText.from(bytes: kept, bytesMax: Self.responseKeepLimit)
        switch status {
        case 200..<300:
            return WebhookAttemptResult(httpStatus: status, durationMilliseconds: elapsed(), errorKind: nil,
                                        responseHead: head)
        case 300..<400:
            let location = response.headers.first(name: "Location").map { " Location: \($0)" } ?? ""
            return WebhookAttemptResult(httpStatus: status, durationMilliseconds: elapsed(), errorKind: "redirect",
                                        responseHead: StorableText.from("redirects are not followed." + location,
                                                                        bytesMax: Self.responseKeepLimit))
        default:
            var retryAfter: Duration?
            if status == 429 || status == 503, let value = response.headers.first(name: "Retry-After"),
               let seconds = Int64(value.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
                retryAfter = .seconds(seconds)
            }
            return WebhookAttemptResult(httpStatus: status, durationMilliseconds: elapsed(),
                                        errorKind: "http_status", responseHead: head, retryAfter: retryAfter)
        }
    }

    /// A URL refused before any connection: not http(s), or an IP literal the policy refuses.
    func refusal(of url: String) -> (kind: String, message: String)? {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = parsed.host, !host.isEmpty else {
            return ("invalid_url", "not an http(s) URL")
        }
        if let literal = IPAddressText.parse(host), !configuration.addressPolicy.permits(literal) {
            return ("blocked_address", "connections to \(host) are refused (REMIT_WEBHOOK_ALLOW_CIDRS allows them)")
        }
        return nil
    }

    static func kind(of error: any Error) -> String {
        if error is BlockedAddress { return "blocked_address" }
        if let error = error as? HTTPClientError {
            if [.connectTimeout, .deadlineExceeded, .readTimeout, .writeTimeout].contains(error) { return "timeout" }
            if [.invalidURL, .emptyHost, .emptyScheme].contains(error) { return "invalid_url" }
        }
        let name = String(reflecting: type(of: error))
        if name.contains("SSL") || name.contains("TLS") { return "tls" }
        if name.contains("Connect") || error is IOError { return "connect" }
        return "io"
    }
}

/// The SSRF guard refused the address a connection reached.
struct BlockedAddress: Error, CustomStringConvertible {
    let address: String
    var description: String { "connections to \(address) are refused (REMIT_WEBHOOK_ALLOW_CIDRS allows them)" }
}

extension SocketAddress {
    /// The raw address bytes of an IPv4 or IPv6 socket address.
    var addressBytes: [UInt8]? {
        switch self {
        case .v4(let address):
            let value = UInt32(bigEndian: address.address.sin_addr.s_addr)
            return [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
        case .v6(let address):
            return withUnsafeBytes(of: address.address.sin6_addr) { Array($0) }
        case .unixDomainSocket:
            return nil
        }
    }
}
