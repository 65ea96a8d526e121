import RemitCore

/// Card fingerprints and the ids of raw cards, keyed per installation: a keyed digest (HMAC-SHA256 in `remit serve`)
/// of the number, so a fingerprint cannot be reversed by hashing every number that has its BIN and last4. Per
/// installation rather than per account: the fraud features link one card across merchants.
///
/// The digest is injected (the processor stays below the cryptography): ``RemitApp`` supplies the HMAC with the
/// installation's key; tests supply their own key.
public struct CardFingerprints: Sendable {
    let keyedDigest: @Sendable (String) -> [UInt8]

    public init(keyedDigest: @escaping @Sendable (String) -> [UInt8]) {
        self.keyedDigest = keyedDigest
    }

    /// A card's `fingerprint`: 16 base-62 characters (about 95 bits) of the keyed digest of its number.
    public func fingerprint(ofNumber number: String) -> String {
        Self.base62(keyedDigest("fingerprint:" + number), count: 16)
    }

    /// The `card_…` id of raw card details: the number and expiry, keyed.
    public func cardID(number: String, expMonth: Int64, expYear: Int64) -> String {
        "card_" + Self.base62(keyedDigest("card:\(number):\(expMonth)/\(expYear)"), count: 24)
    }

    static func base62(_ bytes: [UInt8], count: Int) -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var result = ""
        var index = 0
        while result.count < count {
            // Each byte below 248 (62 × 4) maps evenly; the rest are skipped, as rejection sampling does.
            let byte = bytes[index % bytes.count] &+ UInt8(truncatingIfNeeded: index / bytes.count)
            index += 1
            if byte < 248 { result.append(alphabet[Int(byte % 62)]) }
        }
        return result
    }
}

extension CardFingerprints {
    /// The keyed digest of a constant, for a check value that tells keys apart without revealing them.
    public func keyedDigest(forCheck message: String) -> [UInt8] { keyedDigest(message) }
}
