import Logging
import NIOCore
import NIOHTTPTypes
import Synchronization

/// The server's defence against connections that hold it without asking anything: every connection is tracked; at
/// ``ServerLimits/connectionsMax`` the longest-idle one is closed (with a log line) to make room for the new one,
/// and a request whose head and body have not all arrived ``ServerLimits/requestReadTimeout`` after its head is cut
/// off. (A connection idle between requests, or whose head never completes, is closed by Hummingbird's idle
/// timeout.)
public final class ConnectionGuard: Sendable {
    struct Entry {
        let channel: any Channel
        var lastActivity: NIODeadline
    }

    let limits: ServerLimits
    let logger: Logger
    let metrics: APIMetrics?
    private let connections = Mutex<[ObjectIdentifier: Entry]>([:])
    private let closedAtCap = Atomic<Int>(0)

    public init(limits: ServerLimits, metrics: APIMetrics?, logger: Logger) {
        self.limits = limits
        self.metrics = metrics
        self.logger = logger
    }

    /// The handler for one new connection (Hummingbird's `additionalChannelHandlers`).
    public func makeHandler() -> any RemovableChannelHandler { ConnectionGuardHandler(guard: self) }

    /// Open connections right now.
    public var openConnections: Int { connections.withLock { $0.count } }

    /// Connections closed because the cap was reached, since start.
    public var connectionsClosedAtCap: Int { closedAtCap.load(ordering: .relaxed) }

    func opened(_ channel: any Channel) {
        metrics?.connectionOpened()
        let victim: (any Channel)? = connections.withLock { connections in
            connections[ObjectIdentifier(channel)] = Entry(channel: channel, lastActivity: .now())
            guard connections.count > limits.connectionsMax else { return nil }
            let oldest = connections.filter { $0.key != ObjectIdentifier(channel) }
                .min { $0.value.lastActivity < $1.value.lastActivity }
            guard let oldest else { return nil }
            connections[oldest.key] = nil
            return oldest.value.channel
        }
        guard let victim else { return }
        closedAtCap.add(1, ordering: .relaxed)
        metrics?.connectionClosedAtCap()
        logger.warning("connection cap reached: closing the longest-idle connection", metadata: [
            "connections.max": "\(limits.connectionsMax)", "peer": "\(victim.remoteAddress?.description ?? "unknown")",
        ])
        victim.close(promise: nil)
    }

    func touched(_ channel: any Channel) {
        connections.withLock { $0[ObjectIdentifier(channel)]?.lastActivity = .now() }
    }

    /// Called once per connection when it ends (the handler guards against a second call).
    func closed(_ channel: any Channel) {
        metrics?.connectionClosed()
        _ = connections.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }
}

/// One connection's part of ``ConnectionGuard``: it sees the request parts after HTTP decoding.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let connectionGuard: ConnectionGuard
    private var registered = false
    private var readDeadline: Scheduled<Void>?

    init(guard connectionGuard: ConnectionGuard) { self.connectionGuard = connectionGuard }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { register(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        register(context)
        context.fireChannelActive()
    }

    private func register(_ context: ChannelHandlerContext) {
        guard !registered else { return }
        registered = true
        connectionGuard.opened(context.channel)
    }

    func channelInactive(context: ChannelHandlerContext) {
        unregister(context)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        unregister(context)
    }

    private func unregister(_ context: ChannelHandlerContext) {
        readDeadline?.cancel()
        guard registered else { return }
        registered = false
        connectionGuard.closed(context.channel)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connectionGuard.touched(context.channel)
        switch unwrapInboundIn(data) {
        case .head:
            readDeadline?.cancel()
            let channel = context.channel
            let logger = connectionGuard.logger
            let timeout = connectionGuard.limits.requestReadTimeout
            readDeadline = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000
                                                                          + timeout.components.attoseconds / 1_000_000_000)) {
                logger.notice("request not read in time: closing its connection", metadata: [
                    "timeout": "\(timeout)", "peer": "\(channel.remoteAddress?.description ?? "unknown")",
                ])
                channel.close(promise: nil)
            }
        case .end:
            readDeadline?.cancel()
            readDeadline = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        connectionGuard.touched(context.channel)
        context.write(data, promise: promise)
    }
}
