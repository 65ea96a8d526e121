import Synchronization

/// An optional per-key token bucket: `limit` requests per second, with bursts of the same size.
/// Off by default; when on, an empty bucket answers 429 with Stripe's `rate_limit` error.
public final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    public let requestsPerSecond: Int
    private let buckets = Mutex<[String: Bucket]>([:])
    static let bucketsMax = 100_000

    public init(requestsPerSecond: Int) {
        precondition(requestsPerSecond > 0)
        self.requestsPerSecond = requestsPerSecond
    }

    /// Takes one token from the key's bucket; false when it is empty.
    public func allow(_ key: String, now: ContinuousClock.Instant = .now) -> Bool {
        let capacity = Double(requestsPerSecond)
        return buckets.withLock { buckets in
            if buckets.count >= Self.bucketsMax && buckets[key] == nil { buckets.removeAll() }
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(capacity, bucket.tokens + seconds * capacity)
            bucket.updated = now
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            buckets[key] = bucket
            return allowed
        }
    }
}
