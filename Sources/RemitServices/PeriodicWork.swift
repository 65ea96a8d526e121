import Logging
import ServiceLifecycle

/// The loop of a background `Service` that works at an interval, written once: it starts when the store is ready,
/// runs its work every `interval` (first at once, or after one interval), logs a failed round and carries on, and
/// ends on graceful shutdown or cancellation, even in the middle of a sleep.
public struct PeriodicWork: Sendable {
    public enum Start: Sendable {
        /// The first round runs as soon as the store is ready.
        case immediately
        /// The first round runs one interval after the store is ready.
        case afterInterval
    }

    /// What the log says a failed round was (`"fraud drift measure"`).
    public var name: String
    public var interval: Duration
    public var start: Start

    public init(_ name: String, every interval: Duration, start: Start = .immediately) {
        self.name = name
        self.interval = interval
        self.start = start
    }

    /// Runs the loop until graceful shutdown (or cancellation).
    /// - Parameters:
    ///   - whenReady: runs once, when the store is ready, before the first round (e.g. preparing what was loaded at
    ///     start, off the start-up path).
    /// - Returns: whether the store became ready (false when shutdown came first), so a service can do a last round of
    ///   its own after the loop (a final flush) only when it ever started.
    @discardableResult
    public func run(ready: Readiness, logger: Logger, whenReady: @Sendable () async -> Void = {},
                    _ work: @escaping @Sendable () async throws -> Void) async -> Bool {
        guard await cancelWhenGracefulShutdown({ await ready.wait() }) else { return false }
        await whenReady()
        let (name, interval, start) = (self.name, self.interval, self.start)
        await cancelWhenGracefulShutdown {
            if start == .afterInterval {
                do { try await Task.sleep(for: interval) } catch { return }
            }
            while true {
                do {
                    try await work()
                } catch {
                    if Task.isCancelled { return }
                    logger.warning("\(name) failed; the next round runs in \(interval)", metadata: ["error": "\(error)"])
                }
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
        return true
    }
}
