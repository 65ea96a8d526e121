import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Posts alerts to a Slack- or Teams-compatible incoming webhook (`{"text": …}`): `REMIT_ALERT_WEBHOOK_URL`.
public struct ChatWebhookAlertSink: AlertSink {
    public let name = "chat_webhook"
    let url: String
    let client: HTTPClient

    public init(url: String, client: HTTPClient = .shared) {
        self.url = url
        self.client = client
    }

    public func deliver(_ alert: Alert) async throws {
        let text = "[\(alert.severity.rawValue)] \(alert.source)/\(alert.kind) \(alert.subject): \(alert.summary)"
        let body = try JSONSerialization.data(withJSONObject: ["text": text], options: [.sortedKeys])
        try await AlertHTTP.post(body, to: url, client: client)
    }
}

/// Triggers a PagerDuty incident through the Events API v2 (`REMIT_ALERT_PAGERDUTY_URL`, default
/// `https://events.pagerduty.com/v2/enqueue`, and `REMIT_ALERT_PAGERDUTY_ROUTING_KEY`). Alerts about one
/// subject share a `dedup_key`, so a repeating condition stays one incident, and an alert that `resolves` it
/// resolves that incident.
public struct PagerDutyAlertSink: AlertSink {
    public let name = "pagerduty"
    let url: String
    let routingKey: String
    let client: HTTPClient

    public init(url: String = "https://events.pagerduty.com/v2/enqueue", routingKey: String, client: HTTPClient = .shared) {
        self.url = url
        self.routingKey = routingKey
        self.client = client
    }

    public func deliver(_ alert: Alert) async throws {
        let severity = switch alert.severity {
        case .critical: "critical"
        case .warning: "warning"
        case .info: "info"
        }
        let payload: [String: Any] = [
            "routing_key": routingKey, "event_action": alert.resolves ? "resolve" : "trigger",
            "dedup_key": "remit/\(alert.source)/\(alert.kind)/\(alert.subject)",
            "payload": [
                "summary": String(alert.summary.prefix(1024)), "source": "remit", "severity": severity,
                "component": alert.source, "class": alert.kind,
                "timestamp": ISO8601DateFormatter().string(from: alert.created),
                "custom_details": alert.details,
            ] as [String: Any],
        ]
        let body = try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])
        try await AlertHTTP.post(body, to: url, client: client)
    }
}

enum AlertHTTP {
    struct Rejected: Error, CustomStringConvertible {
        let status: Int
        var description: String { "the alert receiver answered \(status)" }
    }

    static func post(_ body: Data, to url: String, client: HTTPClient) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 64 * 1024)
        guard (200..<300).contains(Int(response.status.code)) else { throw Rejected(status: Int(response.status.code)) }
    }
}
