import Foundation
import RemitCore
import RemitStore

/// Reads request log documents from JSON Lines in the seed's shape — `log_id`, `merchant_id` (any string, or
/// null), `endpoint`, `status_code`, `latency_ms`, `timestamp`, and optionally `method` and `request_id` — so teams
/// can analyse another gateway's logs, and tests and benchmarks can feed exact timestamps. A line that cannot be
/// stored (not an object, a field missing or of the wrong type) is refused here; a `timestamp` that is not an instant
/// is stored as written and counted as a conversion error by the stream processor, as a schemaless collection would.
public enum APILogFile {
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "line \(line): \(reason)" }

        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }
    }

    /// The documents of `text`, and the lines refused (blank lines are skipped).
    public static func parse(_ text: String) -> (documents: [APILogEntry], invalid: [Invalid]) {
        var documents: [APILogEntry] = []
        var invalid: [Invalid] = []
        var number = 0
        text.enumerateLines { line, _ in
            number += 1
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return }
            switch document(line) {
            case .success(let entry): documents.append(entry)
            case .failure(let reason): invalid.append(Invalid(line: number, reason: reason.text))
            }
        }
        return (documents, invalid)
    }

    struct Reason: Error { let text: String }

    static func document(_ line: String) -> Result<APILogEntry, Reason> {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            return .failure(Reason(text: "not a JSON object"))
        }
        func string(_ key: String, required: Bool = true) -> Result<String?, Reason> {
            switch object[key] {
            case nil, is NSNull: return required ? .failure(Reason(text: "\(key) is missing")) : .success(nil)
            case let text as String where text.utf8.count <= 1_024: return .success(StorableText.from(text))
            case is String: return .failure(Reason(text: "\(key) is longer than 1,024 bytes"))
            default: return .failure(Reason(text: "\(key) must be a string"))
            }
        }
        func number(_ key: String) -> NSNumber? { object[key] as? NSNumber }
        do {
            guard let logID = try string("log_id").get(), !logID.isEmpty else { return .failure(Reason(text: "log_id is empty")) }
            let merchant = try string("merchant_id", required: false).get()
            guard let endpoint = try string("endpoint").get() else { return .failure(Reason(text: "endpoint is missing")) }
            guard let timestamp = try string("timestamp").get() else { return .failure(Reason(text: "timestamp is missing")) }
            guard let status = number("status_code"), let code = Int(exactly: status.doubleValue) else {
                return .failure(Reason(text: "status_code must be an integer"))
            }
            guard let latency = number("latency_ms")?.doubleValue, latency.isFinite else {
                return .failure(Reason(text: "latency_ms must be a number"))
            }
            let method = try string("method", required: false).get() ?? ""
            let request = try string("request_id", required: false).get() ?? ""
            return .success(APILogEntry(logID: logID, merchantID: merchant, endpoint: endpoint, method: method,
                                        statusCode: code, latencyMs: latency, timestamp: timestamp, requestID: request))
        } catch {
            return .failure(error)
        }
    }
}
