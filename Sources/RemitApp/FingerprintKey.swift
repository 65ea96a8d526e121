import Crypto
import Foundation
import RemitCore
import RemitProcessor
import RemitStore

/// The installation's key for card fingerprints (``CardFingerprints``): `REMIT_FINGERPRINT_KEY`, else the one kept in
/// the data directory (mode 0600), else a new one generated there. It never enters the database, so a dump of the
/// store does not let anyone reverse a fingerprint; the store keeps only a check value, so a node started with
/// another key (nodes sharing PostgreSQL must share the key) refuses to start instead of fingerprinting cards
/// differently.
public enum FingerprintKey {
    static let fileName = "fingerprint_key"
    static let lengthMin = 32
    static let checkSetting = "card_fingerprint_key_check"

    /// The key's text from the configuration or the data directory, created there if missing.
    static func load(_ configuration: RemitConfiguration) throws -> String {
        if let key = configuration.fingerprintKey {
            guard key.count >= lengthMin else {
                throw ConfigurationError("REMIT_FINGERPRINT_KEY must be at least \(lengthMin) characters of random text")
            }
            return key
        }
        let path = (configuration.dataDirectory as NSString).appendingPathComponent(fileName)
        if let stored = try? String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
           stored.count >= lengthMin {
            return stored
        }
        let key = RandomText.base62(count: 43)
        guard FileManager.default.createFile(atPath: path, contents: Data((key + "\n").utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw ConfigurationError("cannot write the card fingerprint key to \(path)")
        }
        return key
    }

    public static func fingerprints(key text: String) -> CardFingerprints {
        let key = SymmetricKey(data: SHA256.hash(data: Array(text.utf8)))
        return CardFingerprints { message in Array(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: key)) }
    }

    /// What the store keeps of the key: a keyed digest of a constant, which says whether two keys are the same and
    /// nothing of the key.
    static func check(key text: String) -> String {
        Hex.encode(fingerprints(key: text).keyedDigest(forCheck: "remit-card-fingerprint-key-check"))
    }

    /// Records the key's check in a new store, or refuses a key other than the one the store's cards were
    /// fingerprinted with.
    static func ensure(_ key: String, ledger: Ledger) async throws {
        let check = check(key: key)
        let stored = try await ledger.installationSetting(checkSetting, insertingIfAbsent: check)
        guard stored == check else {
            throw ConfigurationError("this store's card fingerprints were made with another key: give this node the "
                + "first node's key (REMIT_FINGERPRINT_KEY, or <data-dir>/\(fileName) on that node)")
        }
    }
}
