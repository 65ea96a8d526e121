/// An event's stored JSON with its live `pending_webhooks` count.
///
/// The payload is rendered once, in the event's transaction, before its deliveries are answered; the count
/// lives in the `events.pending_webhooks` column. The top-level key is the payload's last
/// `"pending_webhooks":` (only `request` and `type` follow it, and a string value cannot contain that text
/// unescaped), so it is replaced there without parsing the document.
public enum EventPayload {
    static let marker = Array(#""pending_webhooks":"#.utf8)

    public static func rendering(_ payload: String, pendingWebhooks: Int64) -> String {
        let bytes = Array(payload.utf8)
        guard let start = lastIndex(of: marker, in: bytes) else { return payload }
        let valueStart = start + marker.count
        var valueEnd = valueStart
        while valueEnd < bytes.count, (48...57).contains(bytes[valueEnd]) { valueEnd += 1 }
        guard valueEnd > valueStart else { return payload }
        var result = Array(bytes[..<valueStart])
        result += Array(String(pendingWebhooks).utf8)
        result += bytes[valueEnd...]
        return String(decoding: result, as: UTF8.self)
    }

    private static func lastIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = haystack.count - needle.count
        while index >= 0 {
            if haystack[index] == needle[0], haystack[index..<index + needle.count].elementsEqual(needle) { return index }
            index -= 1
        }
        return nil
    }
}
