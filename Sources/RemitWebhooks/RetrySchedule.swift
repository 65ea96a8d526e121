import RemitCore

/// When a failed delivery is tried again, and when it is given up (`dead`).
///
/// `delays[n]` is the wait after the (n+1)-th failed attempt; after the last one the delivery is dead.
/// Jitter is only ever added (0…20 % of the step), so no retry comes earlier than the table says and
/// retries of one outage do not come back in lock step (research webhooks.md §3.4).
public struct RetrySchedule: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var delays: [Duration]

    public init(name: String, delays: [Duration]) {
        self.name = name
        self.delays = delays
    }

    /// The seed's schedule, as its comment means it: 1, 2, 4, 8, 16 minutes, then dead (6 attempts).
    public static let seed = RetrySchedule(name: "seed", delays: [1, 2, 4, 8, 16].map { .seconds($0 * 60) })
    /// Stripe's live-mode horizon, about 3 days over 10 attempts (71 h 36 min in all).
    public static let live = RetrySchedule(name: "live", delays: [
        .seconds(60), .seconds(5 * 60), .seconds(30 * 60), .seconds(2 * 3600), .seconds(5 * 3600),
        .seconds(10 * 3600), .seconds(14 * 3600), .seconds(20 * 3600), .seconds(20 * 3600),
    ])
    /// Short, for development: 5 s, 30 s, 2 min, 10 min.
    public static let test = RetrySchedule(name: "test", delays: [.seconds(5), .seconds(30), .seconds(120), .seconds(600)])

    /// `seed`, `live`, `test`, or a list of durations (`1s,2s,5s`, `500ms`, `1m`, `2h`).
    public init?(parsing text: String) {
        switch text {
        case "seed": self = .seed
        case "live": self = .live
        case "test": self = .test
        default:
            var delays: [Duration] = []
            for item in text.split(separator: ",") {
                guard let delay = try? DurationText.parse(String(item)) else { return nil }
                delays.append(delay)
            }
            guard !delays.isEmpty else { return nil }
            self.init(name: text, delays: delays)
        }
    }

    public var description: String { name }

    /// Attempts in all, the first included.
    public var maxAttempts: Int { delays.count + 1 }

    /// The wait after `attempts` failed attempts (1-based), or nil when the delivery is dead.
    /// `jitter` is a fraction in 0..<1 drawn by the caller (tests pass a fixed one).
    public func delay(afterAttempts attempts: Int, jitter: Double) -> Duration? {
        guard attempts >= 1, attempts <= delays.count else { return nil }
        let step = delays[attempts - 1]
        let extra = Double(step.components.seconds) * 0.2 * jitter
            + Double(step.components.attoseconds) / 1e18 * 0.2 * jitter
        return step + .milliseconds(Int64(extra * 1000))
    }

    /// `Retry-After` (seconds) on 429/503 is honoured within bounds: never before the schedule's own
    /// step, never more than twice it (Svix's rule), so a receiver cannot park a delivery for days.
    public func delay(afterAttempts attempts: Int, jitter: Double, retryAfter: Duration?) -> Duration? {
        guard let base = delay(afterAttempts: attempts, jitter: jitter) else { return nil }
        guard let retryAfter else { return base }
        return min(max(retryAfter, base), base * 2)
    }
}
