import Logging

/// The one way every flow raises an alert: the structured log line always, then each configured sink
/// (the `alerts` table, a chat incoming webhook, PagerDuty). A failing sink is logged and skipped.
public struct Alerting: Sendable {
    public let sinks: [any AlertSink]
    let logger: Logger

    public init(sinks: [any AlertSink], logger: Logger) {
        self.sinks = sinks
        self.logger = logger
    }

    /// Alerts that go to the log only (tests, commands without a store).
    public static func logOnly(_ logger: Logger) -> Alerting { Alerting(sinks: [], logger: logger) }

    public func raise(_ alert: Alert) async {
        var metadata: Logger.Metadata = [
            "alert_source": .string(alert.source), "alert_kind": .string(alert.kind),
            "severity": .string(alert.severity.rawValue), "subject": .string(alert.subject),
        ]
        if let account = alert.accountID { metadata["account"] = .string(account) }
        for (key, value) in alert.details { metadata[key] = .string(value) }
        let level: Logger.Level = alert.severity == .critical ? .error : (alert.severity == .warning ? .warning : .notice)
        logger.log(level: level, "alert: \(alert.summary)", metadata: metadata)
        for sink in sinks {
            do {
                try await sink.deliver(alert)
            } catch {
                logger.error("alert sink failed", metadata: ["sink": .string(sink.name), "error": .string("\(error)")])
            }
        }
    }
}
