/// Retries with exponential backoff and full jitter (research data.md §4.2): the wait before retry `n` (0-based)
/// is uniform in `[0, min(cap, base · 2ⁿ))`, so failing clients spread out instead of retrying together.
public struct RetryPolicy: Sendable {
    /// How many times a failed attempt is tried again (the seed: 3).
    public var retries = 3
    public var base: Duration = .seconds(2)
    public var cap: Duration = .seconds(60)
    /// A uniform number in `[0, 1)` (injected: tests make it deterministic).
    public var uniform: @Sendable () -> Double = { Double.random(in: 0..<1) }

    public init(retries: Int = 3, base: Duration = .seconds(2), cap: Duration = .seconds(60)) {
        precondition(retries >= 0 && retries <= 100)
        self.retries = retries
        self.base = base
        self.cap = cap
    }

    /// The wait before the retry that follows attempt `attempt` (0-based).
    public func delay(afterAttempt attempt: Int) -> Duration {
        let exponential = base * (1 << min(attempt, 30))
        let bound = min(cap, exponential)
        return bound * uniform()
    }
}
