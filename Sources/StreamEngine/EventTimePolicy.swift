/// How event time is judged (Azure Stream Analytics' event-ordering policies, research data.md §5.1), all in
/// milliseconds.
public struct EventTimePolicy: Sendable, Equatable {
    public enum LatePolicy: String, Sendable {
        /// A late or too-far-out-of-order event gets the latest acceptable time (Azure's default).
        case adjust
        /// It is dropped (and counted).
        case drop
    }

    /// Which end of a window an event exactly on a boundary belongs to.
    public enum Boundary: String, Sendable {
        /// `(start, end]`: Azure's rule, the default; an event at 12:05:00.000 is in the window that ends at 12:05.
        case endInclusive = "end-inclusive"
        /// `[start, end)`: Flink's and DuckDB's `time_bucket`.
        case startInclusive = "start-inclusive"
    }

    /// Events up to this far behind the newest one are taken as they are (Azure's default: 0 s).
    public var outOfOrderToleranceMs: Int64 = 0
    /// A live event that arrives more than this long after its event time is late (Azure's default: 5 s).
    public var lateArrivalToleranceMs: Int64 = 5_000
    public var latePolicy: LatePolicy = .adjust
    public var boundary: Boundary = .endInclusive

    public init(outOfOrderToleranceMs: Int64 = 0, lateArrivalToleranceMs: Int64 = 5_000, latePolicy: LatePolicy = .adjust,
                boundary: Boundary = .endInclusive) {
        precondition(outOfOrderToleranceMs >= 0 && lateArrivalToleranceMs >= 0)
        self.outOfOrderToleranceMs = outOfOrderToleranceMs
        self.lateArrivalToleranceMs = lateArrivalToleranceMs
        self.latePolicy = latePolicy
        self.boundary = boundary
    }

    /// The end of the tumbling window of `size` (aligned to the epoch) that `time` falls in.
    @inline(__always)
    public func windowEnd(of time: Int64, size: Int64) -> Int64 {
        switch boundary {
        case .endInclusive:
            // ceil(time / size) · size: a boundary instant stays in the earlier window.
            let quotient = time / size
            let remainder = time % size
            return (remainder > 0 ? quotient + 1 : (remainder < 0 ? quotient : quotient)) * size
        case .startInclusive:
            let quotient = time / size
            let remainder = time % size
            return (remainder < 0 ? quotient : quotient + 1) * size
        }
    }

    /// Whether the window ending at `end` can take no more events once the watermark is `watermark` (every event
    /// still admitted has a time at or after the watermark).
    @inline(__always)
    public func isClosed(windowEnd end: Int64, watermark: Int64) -> Bool {
        boundary == .endInclusive ? watermark > end : watermark >= end
    }
}
