import Foundation

/// The time source for everything that stamps `created`, `available_on` or log timestamps.
/// Injected so tests control time.
public struct WallClock: Sendable {
    private let read: @Sendable () -> Date
    /// Whether this is the machine's clock (then the database's clock agrees with it, and need not be told the time).
    public let isSystem: Bool

    public init(_ read: @escaping @Sendable () -> Date) {
        self.read = read
        isSystem = false
    }

    private init(system read: @escaping @Sendable () -> Date) {
        self.read = read
        isSystem = true
    }

    public func now() -> Date { read() }

    /// Whole seconds since 1970, as Stripe's `created`.
    public func unixSeconds() -> Int64 { Int64(read().timeIntervalSince1970.rounded(.down)) }

    /// The instant in milliseconds (delivery schedules, leases, windows, latency).
    public func unixMilliseconds() -> UnixMilliseconds {
        UnixMilliseconds(Int64((read().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    public static let system = WallClock(system: { Date() })
}
