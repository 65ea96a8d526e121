/// Text that comes from outside Remit — a webhook receiver's response, an imported log, a rates file — made safe to
/// store on both engines, at one place: valid UTF-8 (each invalid sequence becomes U+FFFD), no NUL (PostgreSQL's
/// `text` cannot hold one; it becomes U+FFFD too), and at most `bytesMax` bytes, cut between two Unicode scalars.
///
/// What clients send the API is not repaired but refused (the form parser answers 400); this is for text Remit
/// must keep whatever it holds.
public enum StorableText {
    public static let replacement: Unicode.Scalar = "\u{FFFD}"

    public static func from(bytes: some Collection<UInt8>, bytesMax: Int = .max) -> String {
        clean(String(decoding: bytes, as: UTF8.self), bytesMax: bytesMax)
    }

    public static func from(_ text: some StringProtocol, bytesMax: Int = .max) -> String {
        clean(String(text), bytesMax: bytesMax)
    }

    /// Whether `text` would be stored as it is.
    public static func isStorable(_ text: some StringProtocol) -> Bool { !text.utf8.contains(0) }

    private static func clean(_ text: String, bytesMax: Int) -> String {
        guard !isStorable(text) || text.utf8.count > bytesMax else { return text }
        var scalars = String.UnicodeScalarView()
        var bytes = 0
        for scalar in text.unicodeScalars {
            let kept = scalar == "\u{0}" ? replacement : scalar
            let width = UTF8.width(kept)
            guard bytes + width <= bytesMax else { break }
            bytes += width
            scalars.append(kept)
        }
        return String(scalars)
    }
}
