import Crypto
import Foundation
import RemitCore
import RemitStore
import Synchronization

/// Who may see the dashboards: the platform (admin) key, sent as `Authorization: Bearer` by scripts, or traded once
/// at `POST /dashboard/login` for a session cookie. The cookie holds no key: an expiry, which platform key signed
/// it (the first 16 hex digits of its SHA-256), and an HMAC-SHA256 of both keyed by that key's full SHA-256, which
/// only the store knows. Every node sharing the store accepts it; rotating the key ends its sessions.
struct DashboardSession: Sendable {
    static let cookieName = "remit_dashboard"
    /// A session lasts 12 hours.
    static let lifetimeSeconds: Int64 = 12 * 3600
    /// Platform key hashes are read again after this long (a new key works within a minute).
    static let hashCacheSeconds: Int64 = 60

    let ledger: Ledger
    let clock: WallClock
    private let cache = HashCache()

    final class HashCache: Sendable {
        let state = Mutex<(hashes: [String], readAt: Int64)>(([], Int64.min / 2))
        func withLock<T>(_ body: (inout (hashes: [String], readAt: Int64)) -> T) -> T { state.withLock { body(&$0) } }
    }

    init(ledger: Ledger, clock: WallClock) {
        self.ledger = ledger
        self.clock = clock
    }

    func platformHashes() async throws -> [String] {
        let now = clock.unixSeconds()
        let cached = cache.withLock { $0 }
        if now - cached.readAt < Self.hashCacheSeconds, !cached.hashes.isEmpty { return cached.hashes }
        let hashes = try await ledger.platformKeyHashes()
        cache.withLock { $0 = (hashes, now) }
        return hashes
    }

    /// Whether `key` is a platform key.
    func isPlatformKey(_ key: String) async throws -> Bool {
        let hash = SecretKey.hash(key)
        if try await platformHashes().contains(hash) { return true }
        // A key registered since the cache was read.
        cache.withLock { $0.readAt = Int64.min / 2 }
        return try await platformHashes().contains(hash)
    }

    /// A session token for a platform key.
    func token(forKey key: String) -> String {
        let hash = SecretKey.hash(key)
        let expiry = clock.unixSeconds() + Self.lifetimeSeconds
        let claim = "\(expiry).\(hash.prefix(16))"
        return claim + "." + Self.signature(claim, keyHash: hash)
    }

    /// Whether a session token is one of ours and not expired.
    func isValid(_ token: String) async throws -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let expiry = Int64(parts[0]), expiry > clock.unixSeconds(), parts[1].count == 16 else {
            return false
        }
        let claim = "\(parts[0]).\(parts[1])"
        for hash in try await platformHashes() where hash.hasPrefix(parts[1]) {
            if Self.constantTimeEqual(Self.signature(claim, keyHash: hash), String(parts[2])) { return true }
        }
        return false
    }

    static func signature(_ claim: String, keyHash: String) -> String {
        let key = SymmetricKey(data: Array(keyHash.utf8))
        return Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(claim.utf8), using: key))
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
