/// Event time for one source of events (research data.md §5.1–5.2): the watermark is the newest event time less
/// the out-of-order tolerance, it never goes back, and a live source's watermark also advances with the wall clock
/// when it is idle (a heartbeat), so the last window of a quiet period closes. Events are admitted against it:
/// a live event that arrived too long after its time is late, one older than the watermark is out of order; each is
/// adjusted (Azure's default) or dropped by the policy. Admitted times are never below the watermark, so no event
/// lands in a window that has closed.
public struct WatermarkTracker: Sendable, Equatable, Codable {
    public enum Admission: Equatable, Sendable {
        case onTime(Int64)
        /// Late (arrival − event time over the tolerance): taken at arrival − tolerance.
        case late(Int64)
        /// Older than the watermark: taken at the watermark.
        case outOfOrder(Int64)
        /// Late or out of order under the drop policy.
        case dropped

        public var time: Int64? {
            switch self {
            case .onTime(let time), .late(let time), .outOfOrder(let time): time
            case .dropped: nil
            }
        }
    }

    /// The newest admitted event time, or `Int64.min` before the first.
    public private(set) var maxEventTime = Int64.min
    /// Every event admitted from now on has a time at or after this.
    public private(set) var watermark = Int64.min
    /// The source has ended (an import that finished): every window may close.
    public private(set) var ended = false

    public init() {}

    /// Admits an event; `arrival` is when a live event was received (nil for history, judged against its own
    /// watermark only).
    public mutating func admit(eventTime: Int64, arrival: Int64?, policy: EventTimePolicy) -> Admission {
        var time = eventTime
        var late = false
        if let arrival, arrival - eventTime > policy.lateArrivalToleranceMs {
            guard policy.latePolicy == .adjust else { return .dropped }
            time = arrival - policy.lateArrivalToleranceMs
            late = true
        }
        if time < watermark {
            guard policy.latePolicy == .adjust else { return .dropped }
            return .outOfOrder(watermark)
        }
        if time > maxEventTime {
            maxEventTime = time
            let candidate = time - policy.outOfOrderToleranceMs
            if candidate > watermark { watermark = candidate }
        }
        return late ? .late(time) : .onTime(time)
    }

    /// The wall clock says no live event still to come can be older than `floor` (its arrival less the late
    /// tolerance, less a margin for rows committed after they were stamped).
    public mutating func heartbeat(floor: Int64) {
        if floor > watermark { watermark = floor }
    }

    /// The source has no more events.
    public mutating func end() {
        ended = true
        watermark = Int64.max
    }
}
