/// An instant as milliseconds since 1970 UTC: what delivery schedules, leases, stream windows, velocity windows and
/// request logs count in. Stripe's wire times (`created`, `available_on`) are whole seconds, plain `Int64` on the
/// objects; the two cannot be confused, since milliseconds are this type and never a bare integer: an instant in
/// seconds becomes one by ``init(seconds:)`` and goes back by ``seconds``.
public struct UnixMilliseconds: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970 UTC, for storage and arithmetic at the edges (SQL columns named `*_ms`).
    public let value: Int64

    public init(_ value: Int64) { self.value = value }

    /// The instant `seconds` (Unix seconds) names.
    public init(seconds: Int64) { value = seconds &* 1_000 }

    /// Whole seconds since 1970, rounded down (Stripe's wire times).
    public var seconds: Int64 { value.floorDiv(1_000) }

    /// Midnight UTC of this instant's day.
    public var startOfUTCDay: UnixMilliseconds { UnixMilliseconds(value.floorDiv(86_400_000) &* 86_400_000) }

    public var description: String { "\(value) ms" }

    public static func < (lhs: UnixMilliseconds, rhs: UnixMilliseconds) -> Bool { lhs.value < rhs.value }

    /// `duration` later, to the millisecond (rounded down).
    public static func + (instant: UnixMilliseconds, duration: Duration) -> UnixMilliseconds {
        UnixMilliseconds(instant.value &+ duration.wholeMilliseconds)
    }

    /// `duration` earlier, to the millisecond (rounded down).
    public static func - (instant: UnixMilliseconds, duration: Duration) -> UnixMilliseconds {
        UnixMilliseconds(instant.value &- duration.wholeMilliseconds)
    }

    /// The time from `earlier` to `later`.
    public static func - (later: UnixMilliseconds, earlier: UnixMilliseconds) -> Duration {
        .milliseconds(later.value &- earlier.value)
    }
}
