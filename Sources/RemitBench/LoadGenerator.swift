import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An HTTP/1.1 keep-alive load generator on SwiftNIO: one task per connection, no per-request allocation
/// beyond the request buffers, latencies kept exactly (sorted at the end).
public struct LoadGenerator: Sendable {
    let plan: LoadPlan

    public init(plan: LoadPlan) { self.plan = plan }

    typealias Connection = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

    public func run(progress: @Sendable @escaping (String) -> Void = { _ in }) async throws -> LoadReport {
        let group = MultiThreadedEventLoopGroup.singleton
        var connections: [Connection] = []
        for _ in 0..<plan.connections {
            connections.append(try await connect(group))
        }
        let recorder = Recorder()
        let start = ContinuousClock.now
        let measureFrom = start + plan.warmup
        let end = measureFrom + plan.duration
        let schedule = Schedule(plan: plan, start: start, end: end)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for connection in connections {
                tasks.addTask {
                    try await drive(connection, schedule: schedule, measureFrom: measureFrom, end: end, recorder: recorder)
                }
            }
            tasks.addTask { await sampleMemory(until: end, recorder: recorder) }
            tasks.addTask {
                while ContinuousClock.now < end {
                    try await Task.sleep(for: .seconds(5))
                    progress("… \(recorder.count) requests measured")
                }
            }
            try await tasks.waitForAll()
        }
        var report = recorder.report()
        report.elapsed = plan.duration
        if case .openLoop(let rate) = plan.mode {
            let scheduled = Int((Double(rate) * seconds(plan.warmup + plan.duration)).rounded(.down))
            report.unsent = max(0, scheduled - min(schedule.started, scheduled))
        }
        return report
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func connect(_ group: MultiThreadedEventLoopGroup) async throws -> Connection {
        try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: plan.host, port: plan.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
    }

    private func drive(_ connection: Connection, schedule: Schedule, measureFrom: ContinuousClock.Instant,
                       end: ContinuousClock.Instant, recorder: Recorder) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var responses = inbound.makeAsyncIterator()
            while let intended = try await schedule.next() {
                let body = plan.bodies.count == 1 ? plan.bodies[0] : plan.bodies.randomElement()!
                var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: plan.path)
                head.headers.add(name: "Host", value: "\(plan.host):\(plan.port)")
                head.headers.add(name: "Authorization", value: "Bearer \(plan.apiKey)")
                head.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                head.headers.add(name: "Content-Length", value: String(body.utf8.count))
                if plan.idempotencyKeys { head.headers.add(name: "Idempotency-Key", value: UUID().uuidString) }
                try await outbound.write(contentsOf: [
                    .head(head), .body(.byteBuffer(ByteBuffer(string: body))), .end(nil),
                ])
                var status = 0
                while let part = try await responses.next() {
                    if case .head(let response) = part { status = Int(response.status.code) }
                    if case .end = part { break }
                }
                let finished = ContinuousClock.now
                if intended >= measureFrom && finished <= end + .seconds(1) {
                    recorder.record(status: status, latency: finished - intended)
                }
            }
        }
    }

    private func sampleMemory(until end: ContinuousClock.Instant, recorder: Recorder) async {
        guard let pid = plan.serverPID else { return }
        while ContinuousClock.now < end {
            if let rss = ProcessMemory.residentBytes(pid: pid) { recorder.sampleRSS(rss) }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }
}

/// Hands out request start times: "now" in closed loop, the next slot of the timetable in open loop.
final class Schedule: Sendable {
    let plan: LoadPlan
    let start: ContinuousClock.Instant
    let end: ContinuousClock.Instant
    private let issued = Atomic<Int>(0)

    /// Slots of the timetable that were started.
    var started: Int { issued.load(ordering: .relaxed) }

    init(plan: LoadPlan, start: ContinuousClock.Instant, end: ContinuousClock.Instant) {
        self.plan = plan
        self.start = start
        self.end = end
    }

    /// The intended start of the next request (sleeping until it), or nil when the run is over.
    func next() async throws -> ContinuousClock.Instant? {
        switch plan.mode {
        case .closedLoop:
            let now = ContinuousClock.now
            return now < end ? now : nil
        case .openLoop(let rate):
            // A slot not started by the end of the run is not sent: the server fell behind the schedule.
            guard ContinuousClock.now < end else { return nil }
            let slot = issued.wrappingAdd(1, ordering: .relaxed).oldValue
            let intended = start + .nanoseconds(Int64(slot) * 1_000_000_000 / Int64(rate))
            guard intended < end else { return nil }
            if intended > ContinuousClock.now { try await Task.sleep(until: intended, clock: .continuous) }
            return intended
        }
    }
}

/// Collects results from every connection.
final class Recorder: Sendable {
    private struct State {
        var latencies: [Int64] = []
        var statuses: [Int: Int] = [:]
        var rssMax: Int64?
    }

    private let state = Mutex(State())

    func record(status: Int, latency: Duration) {
        let micros = latency.components.seconds * 1_000_000 + latency.components.attoseconds / 1_000_000_000_000
        state.withLock { state in
            state.latencies.append(micros)
            state.statuses[status, default: 0] += 1
        }
    }

    func sampleRSS(_ bytes: Int64) {
        state.withLock { $0.rssMax = max($0.rssMax ?? 0, bytes) }
    }

    var count: Int { state.withLock { $0.latencies.count } }

    func report() -> LoadReport {
        state.withLock { state in
            var report = LoadReport()
            report.requests = state.latencies.count
            report.latenciesMicros = state.latencies.sorted()
            report.statuses = state.statuses
            report.serverRSSMaxBytes = state.rssMax
            return report
        }
    }
}

enum ProcessMemory {
    /// VmRSS of a process, from /proc.
    static func residentBytes(pid: Int32) -> Int64? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kilobytes = line.split(separator: " ").compactMap { Int64($0) }.first
            return kilobytes.map { $0 * 1024 }
        }
        return nil
    }
}
