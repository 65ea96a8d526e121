import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A loopback webhook receiver (keep-alive HTTP/1.1, unlike Python's http.server): records what arrives and
/// answers what `respond` decides. Used by the tests and by `remit bench webhooks`.
public final class WebhookReceiver: Sendable {
    public struct Delivery: Sendable {
        public var eventID: String
        public var body: [UInt8]
        public var headers: [String: String]
        public var arrived: Date
    }

    public struct Answer: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: String

        public init(status: Int, headers: [String: String] = [:], body: String = "") {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    /// Decides the answer to the n-th request (0-based).
    public typealias Responder = @Sendable (_ delivery: Delivery, _ index: Int) -> Answer

    /// Boxed: a closure stored in a `Mutex` directly is re-wrapped in a reabstraction thunk on every read,
    /// which grows without bound (seen in the fraud engine's observer, and here at 46 % of a profile).
    private final class Box: Sendable {
        let respond: Responder
        init(_ respond: @escaping Responder) { self.respond = respond }
    }

    private let responder: Mutex<Box>
    private let state = Mutex(State())
    private let keepBodies: Bool
    private let portSignal = Mutex<(port: Int?, waiters: [CheckedContinuation<Int, Never>])>((nil, []))

    struct State {
        var count = 0
        var deliveries: [Delivery] = []
    }

    /// - Parameter keepBodies: false for benchmarks (counts and arrival times only).
    public init(keepBodies: Bool = true, respond: @escaping Responder = { _, _ in Answer(status: 200, body: "ok") }) {
        self.keepBodies = keepBodies
        self.responder = Mutex(Box(respond))
    }

    public func setResponder(_ respond: @escaping Responder) { responder.withLock { $0 = Box(respond) } }

    public var received: [Delivery] { state.withLock { $0.deliveries } }
    public var count: Int { state.withLock { $0.count } }

    /// The port, once the server listens.
    public func port() async -> Int {
        await withCheckedContinuation { continuation in
            let known = portSignal.withLock { state -> Int? in
                if let port = state.port { return port }
                state.waiters.append(continuation)
                return nil
            }
            if let known { continuation.resume(returning: known) }
        }
    }

    /// Serves on 127.0.0.1 (port 0: any free port) until the task is cancelled.
    public func run(port: Int = 0) async throws {
        let router = Router()
        router.post("/**") { request, context -> Response in
            var request = request
            let buffer = try await request.collectBody(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let delivery = Delivery(eventID: headers["webhook-id"] ?? "", body: Array(buffer.readableBytesView),
                                    headers: headers, arrived: Date())
            let index = self.state.withLock { state -> Int in
                defer { state.count += 1 }
                if self.keepBodies { state.deliveries.append(delivery) }
                return state.count
            }
            let answer = self.responder.withLock { $0 }.respond(delivery, index)
            var fields = HTTPFields()
            for (name, value) in answer.headers {
                if let name = HTTPField.Name(name) { fields[name] = value }
            }
            return Response(status: .init(code: answer.status), headers: fields,
                            body: .init(byteBuffer: ByteBuffer(string: answer.body)))
        }
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                let bound = channel.localAddress?.port ?? 0
                let waiters = self.portSignal.withLock { state in
                    state.port = bound
                    defer { state.waiters = [] }
                    return state.waiters
                }
                for waiter in waiters { waiter.resume(returning: bound) }
            },
            logger: logger)
        try await app.run()
    }
}
