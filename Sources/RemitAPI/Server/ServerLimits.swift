/// The HTTP server's own bounds: how many connections it keeps, and how long it waits for what it reads.
public struct ServerLimits: Sendable {
    /// Open connections kept at most; at the cap the longest-idle one is closed for the new one. (The soft limit of
    /// open files is raised at start, so the cap, not the kernel, decides.)
    public var connectionsMax = 10_000
    /// A connection that sends nothing (between requests, or in the middle of a head that never completes) is
    /// closed after this.
    public var idleTimeout: Duration = .seconds(30)
    /// A request's head and whole body must arrive within this of its head (a body trickled byte by byte is cut
    /// off too).
    public var requestReadTimeout: Duration = .seconds(30)

    public init() {}
}
