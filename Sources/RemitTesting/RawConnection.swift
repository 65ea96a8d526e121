import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// A TCP connection to a live server, written against sockets so a test can misbehave as a hostile client does:
/// connect and say nothing, send half a request, trickle a body.
///
/// Its calls block; from async code use the `async` ones, which wait on threads of their own and so never hold one of
/// the cooperative pool's few threads (the server under test needs them).
public final class RawConnection: @unchecked Sendable {
    private static let blockingQueue = DispatchQueue(label: "remit.test.raw-connection", attributes: .concurrent)

    /// Runs blocking socket work off the cooperative pool.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            blockingQueue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// Connects without blocking the caller's thread.
    public static func open(port: Int) async throws -> RawConnection {
        try await offPool { try RawConnection(port: port) }
    }

    /// ``receiveUntilClosed(timeoutMilliseconds:)`` without blocking the caller's thread.
    public func received(timeoutMilliseconds: Int32, complete: @escaping @Sendable ([UInt8]) -> Bool = { _ in false })
        async -> (bytes: [UInt8], closed: Bool)
    {
        (try? await Self.offPool { self.receiveUntilClosed(timeoutMilliseconds: timeoutMilliseconds, complete: complete) })
            ?? ([], false)
    }

    /// ``isClosedByServer(within:)`` without blocking the caller's thread.
    public func closedByServer(within timeoutMilliseconds: Int32) async -> Bool {
        await received(timeoutMilliseconds: timeoutMilliseconds).closed
    }

    private let descriptor: Int32

    /// Connects to 127.0.0.1:`port`.
    public init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw RawConnectionError(operation: "socket", errno: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            close(descriptor)
            throw RawConnectionError(operation: "connect", errno: code)
        }
    }

    deinit { close(descriptor) }

    /// Sends bytes; false once the server has closed the connection.
    @discardableResult
    public func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        Glibc.send(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count
    }

    /// What the server sends until it closes the connection, `timeoutMilliseconds` pass without a byte, or what
    /// arrived satisfies `complete`.
    public func receiveUntilClosed(timeoutMilliseconds: Int32, complete: ([UInt8]) -> Bool = { _ in false })
        -> (bytes: [UInt8], closed: Bool)
    {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while !complete(received) {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, timeoutMilliseconds) > 0 else { return (received, false) }
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { return (received, true) }
            received += buffer[0..<count]
        }
        return (received, false)
    }

    /// Whether the server has closed the connection, waiting up to `timeoutMilliseconds` for it.
    public func isClosedByServer(within timeoutMilliseconds: Int32) -> Bool {
        receiveUntilClosed(timeoutMilliseconds: timeoutMilliseconds).closed
    }
}

public struct RawConnectionError: Error, CustomStringConvertible {
    public let operation: String
    public let errno: Int32
    public var description: String { "\(operation) failed: errno \(errno)" }
}
