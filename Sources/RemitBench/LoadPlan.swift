import Foundation

/// What one benchmark run does: where, with which request, how hard, for how long.
public struct LoadPlan: Sendable {
    public enum Mode: Sendable {
        /// Each connection sends its next request as soon as the previous answer arrives.
        case closedLoop
        /// Requests start on a fixed schedule, whatever the answers; latency counts from the scheduled start
        /// (no coordinated omission).
        case openLoop(requestsPerSecond: Int)
    }

    public var host: String
    public var port: Int
    public var path = "/v1/charges"
    /// The request bodies, one picked at random per request (one body: every request the same).
    public var bodies: [String]
    public var apiKey: String
    public var connections: Int
    public var duration: Duration
    public var warmup: Duration = .seconds(2)
    public var mode: Mode
    /// Send a fresh `Idempotency-Key` with every request, as stripe-python does on every POST.
    public var idempotencyKeys = true
    /// A process to sample the resident memory of (the server under test).
    public var serverPID: Int32?

    public init(host: String, port: Int, body: String, apiKey: String, connections: Int, duration: Duration, mode: Mode) {
        self.host = host
        self.port = port
        self.bodies = [body]
        self.apiKey = apiKey
        self.connections = connections
        self.duration = duration
        self.mode = mode
    }
}

/// What a run measured.
public struct LoadReport: Sendable {
    public var requests = 0
    public var statuses: [Int: Int] = [:]
    public var errors = 0
    public var elapsed: Duration = .zero
    /// Latencies in microseconds, sorted.
    public var latenciesMicros: [Int64] = []
    public var serverRSSMaxBytes: Int64?
    /// Open loop: scheduled requests never sent because the server was too slow to free a connection.
    public var unsent = 0

    public var throughput: Double {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds > 0 ? Double(requests) / seconds : 0
    }

    public func percentile(_ p: Double) -> Double {
        guard !latenciesMicros.isEmpty else { return 0 }
        let index = min(latenciesMicros.count - 1, Int((p / 100 * Double(latenciesMicros.count)).rounded(.up)) - 1)
        return Double(latenciesMicros[max(0, index)]) / 1_000
    }

    public var summary: String {
        var lines = [
            String(format: "requests: %d in %.2f s = %.0f req/s", requests,
                   Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, throughput),
            "statuses: " + statuses.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
                + (errors > 0 ? " transport errors×\(errors)" : ""),
            String(format: "latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f",
                   percentile(50), percentile(90), percentile(99), percentile(99.9), percentile(100)),
        ]
        if unsent > 0 { lines.append("unsent: \(unsent) scheduled requests never started (the server fell behind)") }
        if let rss = serverRSSMaxBytes { lines.append(String(format: "server RSS max: %.1f MB", Double(rss) / 1_048_576)) }
        return lines.joined(separator: "\n")
    }
}
