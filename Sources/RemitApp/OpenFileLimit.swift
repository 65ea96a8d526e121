#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit of open files: a server holding thousands of connections must not meet the kernel's default
/// soft limit (often 1,024) first.
enum OpenFileLimit {
    /// Descriptors kept out of the connection cap: the store, its pool, the log and the files a command opens.
    static let reservedDescriptors = 512

    /// Raises the soft limit to the hard limit (as far as the kernel allows) and returns the soft limit in force.
    @discardableResult
    static func raise() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1_024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur > rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)
    }

    /// The connection cap the limit leaves room for: `configured`, or fewer if the descriptors would run out first.
    static func connectionsAllowed(configured: Int) -> Int {
        max(16, min(configured, raise() - reservedDescriptors))
    }
}
