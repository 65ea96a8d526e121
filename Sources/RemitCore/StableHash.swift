/// FNV-1a, 64 bits: a stable, fast hash for shard choice, lock ids and test-card fingerprints.
/// Not for secrets (use SHA-256 there).
public enum StableHash {
    public static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
