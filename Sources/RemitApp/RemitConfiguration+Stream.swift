import RemitCore
import RemitStreaming
import StreamEngine

extension RemitConfiguration {
    /// `REMIT_STREAM_OUT_OF_ORDER` (default 0s), `REMIT_STREAM_LATE_ARRIVAL` (5s), `REMIT_STREAM_LATE_POLICY`
    /// (adjust | drop), `REMIT_STREAM_WINDOW_BOUNDARY` (end-inclusive | start-inclusive), `REMIT_STREAM_MIN_REQUESTS`
    /// (20), `REMIT_STREAM_LEASE` (15s: how long a processor's partitions stay its own without renewal),
    /// `REMIT_STREAM_BATCH_SIZE` (10000 documents a read), `REMIT_STREAM_PROCESSOR=off`.
    mutating func applyStreamEnvironment(_ environment: [String: String]) throws {
        if environment["REMIT_STREAM_PROCESSOR"] == "off" { streamProcessor = false }
        if let text = environment["REMIT_STREAM_OUT_OF_ORDER"], !text.isEmpty {
            stream.policy.outOfOrderToleranceMs = try Self.milliseconds(text, "REMIT_STREAM_OUT_OF_ORDER")
        }
        if let text = environment["REMIT_STREAM_LATE_ARRIVAL"], !text.isEmpty {
            stream.policy.lateArrivalToleranceMs = try Self.milliseconds(text, "REMIT_STREAM_LATE_ARRIVAL")
        }
        if let text = environment["REMIT_STREAM_LATE_POLICY"], !text.isEmpty {
            guard let policy = EventTimePolicy.LatePolicy(rawValue: text) else {
                throw ConfigurationError("REMIT_STREAM_LATE_POLICY must be adjust or drop")
            }
            stream.policy.latePolicy = policy
        }
        if let text = environment["REMIT_STREAM_WINDOW_BOUNDARY"], !text.isEmpty {
            guard let boundary = EventTimePolicy.Boundary(rawValue: text) else {
                throw ConfigurationError("REMIT_STREAM_WINDOW_BOUNDARY must be end-inclusive or start-inclusive")
            }
            stream.policy.boundary = boundary
        }
        if let text = environment["REMIT_STREAM_LEASE"], !text.isEmpty {
            let milliseconds = try Self.milliseconds(text, "REMIT_STREAM_LEASE")
            guard milliseconds >= 300 else { throw ConfigurationError("REMIT_STREAM_LEASE must be at least 300ms") }
            stream.leaseDuration = .milliseconds(milliseconds)
        }
        if let text = environment["REMIT_STREAM_BATCH_SIZE"], !text.isEmpty {
            guard let value = Int(text), (1...100_000).contains(value) else {
                throw ConfigurationError("REMIT_STREAM_BATCH_SIZE must be 1…100000")
            }
            stream.batchSize = value
        }
        if let text = environment["REMIT_STREAM_MIN_REQUESTS"], !text.isEmpty {
            guard let value = Int64(text), value >= 1 else { throw ConfigurationError("REMIT_STREAM_MIN_REQUESTS must be ≥ 1") }
            stream.minimumRequests = value
        }
    }

    static func milliseconds(_ text: String, _ name: String) throws -> Int64 {
        guard let duration = try? DurationText.parse(text) else {
            throw ConfigurationError("\(name) must be a duration such as 5s")
        }
        return duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}
