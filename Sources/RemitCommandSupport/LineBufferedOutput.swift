#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif

/// Progress lines reach a pipe as they are printed (a parent process reading them, `tee`), not when a block fills.
/// Called once, first thing, by the commands that print progress.
package func lineBufferedOutput() {
    setvbuf(stdout, nil, _IOLBF, 0)
}
