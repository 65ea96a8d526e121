import Crypto
import Foundation

/// Signs a delivery's exact bytes in both schemes a receiver may verify:
/// - Stripe: `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(key: secret string bytes, "t.body")>`, one `v1`
///   per active secret (rotation);
/// - Standard Webhooks: `webhook-signature: v1,<base64 HMAC-SHA256(key: base64-decoded secret, "id.t.body")>`,
///   space-separated per secret.
/// One `whsec_<base64>` secret serves both (research webhooks.md §4).
public enum WebhookSignature {
    public static func stripeHeader(body: [UInt8], secrets: [String], timestamp: Int64) -> String {
        var signed = Array("\(timestamp).".utf8)
        signed.append(contentsOf: body)
        var parts = ["t=\(timestamp)"]
        for secret in secrets {
            let code = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Array(secret.utf8)))
            parts.append("v1=" + hex(Array(code)))
        }
        return parts.joined(separator: ",")
    }

    /// The value of `webhook-signature` for message `id` (the event id).
    public static func standardSignature(id: String, body: [UInt8], secrets: [String], timestamp: Int64) -> String {
        var signed = Array("\(id).\(timestamp).".utf8)
        signed.append(contentsOf: body)
        return secrets.compactMap { secret -> String? in
            guard let key = standardKey(secret) else { return nil }
            let code = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: key))
            return "v1," + Data(code).base64EncodedString()
        }.joined(separator: " ")
    }

    /// The Standard Webhooks key: the base64 body of a `whsec_` secret.
    static func standardKey(_ secret: String) -> [UInt8]? {
        var text = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        while text.count % 4 != 0 { text += "=" }
        return Data(base64Encoded: text).map(Array.init)
    }

    /// Checks a `Stripe-Signature` header against `secrets`, both ways in time (unlike stripe-python, which
    /// accepts any future timestamp): for receivers written in Swift and for our tests.
    public static func verifyStripe(header: String, body: [UInt8], secrets: [String], now: Int64,
                                    tolerance: Int64 = 300) -> Bool {
        var timestamp: Int64?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int64(pair[1]) }
            if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp, abs(now - timestamp) <= tolerance else { return false }
        var signed = Array("\(timestamp).".utf8)
        signed.append(contentsOf: body)
        for secret in secrets {
            let key = SymmetricKey(data: Array(secret.utf8))
            for signature in signatures {
                guard let code = unhex(signature) else { continue }
                if HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: signed, using: key) { return true }
            }
        }
        return false
    }

    /// A new endpoint secret: `whsec_` + base64 of 32 random bytes.
    public static func newSecret() -> String {
        let key = SymmetricKey(size: .bits256)
        return "whsec_" + key.withUnsafeBytes { Data($0).base64EncodedString() }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func unhex(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var index = 0
        while index < chars.count {
            guard let high = nibble(chars[index]), let low = nibble(chars[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        case 65...70: c - 55
        default: nil
        }
    }
}
