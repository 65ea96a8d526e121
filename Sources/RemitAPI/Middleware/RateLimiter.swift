import RemitCore
import Synchronization

/// An optional per-key token bucket: `limit` requests per second, with bursts of the same size.
/// Off by default; when on, an empty bucket answers 429 with Stripe's `rate_limit` error.
/// Time comes from the injected clock (a clock that steps back refills nothing).
public final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updatedMs: Int64
    }

    public let requestsPerSecond: Int
    let clock: WallClock
    private let buckets = Mutex<[String: Bucket]>([:])
    static let bucketsMax = 100_000

    public init(requestsPerSecond: Int, clock: WallClock = .system) {
        precondition(requestsPerSecond > 0)
        self.requestsPerSecond = requestsPerSecond
        self.clock = clock
    }

    /// Takes one token from the key's bucket now; false when it is empty.
    public func allow(_ key: String) -> Bool { allow(key, atMilliseconds: clock.unixMilliseconds().value) }

    /// Takes one token from the key's bucket at a given time (milliseconds since 1970); false when it is empty.
    public func allow(_ key: String, atMilliseconds now: Int64) -> Bool {
        let capacity = Double(requestsPerSecond)
        return buckets.withLock { buckets in
            if buckets.count >= Self.bucketsMax && buckets[key] == nil { buckets.removeAll() }
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updatedMs: now)
            let elapsedMs = max(0, now - bucket.updatedMs)
            bucket.tokens = min(capacity, bucket.tokens + Double(elapsedMs) / 1000 * capacity)
            bucket.updatedMs = max(bucket.updatedMs, now)
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            buckets[key] = bucket
            return allowed
        }
    }
}
