#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Cryptographically random bytes from the kernel (`/dev/urandom`), fetched 4 KiB at a time so that
/// making an object id costs no system call on average.
public final class RandomPool: Sendable {
    public static let shared = RandomPool()

    private static let refillBytes = 4_096
    private let state = Mutex<(buffer: [UInt8], position: Int)>(([], 0))

    public func bytes(_ count: Int) -> [UInt8] {
        precondition(count > 0 && count <= Self.refillBytes)
        return state.withLock { state in
            if state.buffer.count - state.position < count {
                state.buffer = Self.fetch(Self.refillBytes)
                state.position = 0
            }
            defer { state.position += count }
            return Array(state.buffer[state.position..<state.position + count])
        }
    }

    /// `/dev/urandom`, opened once (Glibc does not export `getrandom` to Swift).
    static let urandom: Int32 = open("/dev/urandom", O_RDONLY | O_CLOEXEC)

    private static func fetch(_ count: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = buffer.withUnsafeMutableBytes { raw in
                read(RandomPool.urandom, raw.baseAddress! + filled, count - filled)
            }
            if got > 0 {
                filled += got
            } else {
                // A failed read (EINTR, no descriptor): fall back to the Swift generator for the rest.
                var generator = SystemRandomNumberGenerator()
                for index in filled..<count { buffer[index] = UInt8.random(in: 0...255, using: &generator) }
                filled = count
            }
        }
        return buffer
    }
}
