import Foundation

/// A notification for operators (and the audit trail): what fired, about what, how bad.
public struct Alert: Sendable, Equatable {
    public enum Severity: String, Sendable { case info, warning, critical }

    /// The flow that raised it: `webhooks`, `fraud`, `etl`, `streaming`.
    public var source: String
    /// What happened: `endpoint_failing`, `endpoint_disabled`, `fraud_block`, …
    public var kind: String
    public var severity: Severity
    /// What it is about (an endpoint id, a run id): alerts about one subject are grouped by sinks.
    public var subject: String
    public var accountID: String?
    /// One human line.
    public var summary: String
    /// Flat key → value details (rendered as JSON by the table and the HTTP sinks).
    public var details: [String: String]
    public var created: Date
    /// This alert ends the condition an earlier one with the same source, kind and subject raised (sinks that track
    /// incidents, such as PagerDuty, resolve it).
    public var resolves = false

    public init(source: String, kind: String, severity: Severity, subject: String, accountID: String? = nil,
                summary: String, details: [String: String] = [:], created: Date) {
        self.source = source
        self.kind = kind
        self.severity = severity
        self.subject = subject
        self.accountID = accountID
        self.summary = summary
        self.details = details
        self.created = created
    }

    /// `details` as a JSON object with sorted keys.
    public var detailsJSON: String {
        let data = (try? JSONSerialization.data(withJSONObject: details, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// Somewhere alerts go. A sink that fails reports it and never stops the others.
public protocol AlertSink: Sendable {
    var name: String { get }
    func deliver(_ alert: Alert) async throws
}
