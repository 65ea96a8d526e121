import Crypto
import RemitCore

/// A secret API key: shown once, stored only as its SHA-256.
public enum SecretKey {
    /// `sk_test_` and 32 base-62 characters: about 190 bits, so a fast hash is safe for lookup.
    public static func generate() -> String { "sk_test_" + RandomText.base62(count: 32) }

    public static func hash(_ key: String) -> String {
        Hex.encode(SHA256.hash(data: Array(key.utf8)))
    }

    /// What logs and errors may show of a key: its prefix and last four characters.
    public static func hint(_ key: String) -> String {
        let prefix = key.hasPrefix("sk_live_") ? "sk_live_" : key.hasPrefix("sk_test_") ? "sk_test_" : ""
        return prefix + "****" + String(key.suffix(4))
    }
}
