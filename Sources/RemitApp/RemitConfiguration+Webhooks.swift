import Foundation
import RemitCore
import RemitWebhooks

extension RemitConfiguration {
    /// Webhook delivery and alert settings from the environment:
    /// - `REMIT_WEBHOOK_RETRY_SCHEDULE`: `live` (default, about 3 days), `seed` (1, 2, 4, 8, 16 min), `test`, or a
    ///   list such as `1s,2s,5s`;
    /// - `REMIT_WEBHOOK_ALLOW_CIDRS`: address blocks webhooks may reach despite the SSRF guard (`127.0.0.0/8,::1`);
    /// - `REMIT_WEBHOOK_CONNECT_TIMEOUT` (default `5s`), `REMIT_WEBHOOK_TIMEOUT` (total, default `30s`);
    /// - `REMIT_WEBHOOK_LEASE` (default `90s`): how long a claimed delivery stays a worker's; a worker that dies
    ///   holds its deliveries this long before the reaper returns them;
    /// - `REMIT_WEBHOOK_ENDPOINT_IN_FLIGHT` (default 8, at most 64): requests in flight per endpoint per node;
    /// - `REMIT_ALERT_WEBHOOK_URL`: a Slack/Teams-compatible incoming webhook for alerts;
    /// - `REMIT_ALERT_PAGERDUTY_ROUTING_KEY` (and `REMIT_ALERT_PAGERDUTY_URL`): PagerDuty Events API v2.
    public mutating func applyWebhookEnvironment(_ environment: [String: String]) throws {
        if let text = environment["REMIT_WEBHOOK_RETRY_SCHEDULE"], !text.isEmpty {
            guard let schedule = RetrySchedule(parsing: text) else {
                throw ConfigurationError("REMIT_WEBHOOK_RETRY_SCHEDULE must be live, seed, test or a list like 1s,2s,5s")
            }
            webhooks.schedule = schedule
        }
        if let text = environment["REMIT_WEBHOOK_ALLOW_CIDRS"], !text.isEmpty {
            webhooks.sender.addressPolicy.allowed += try Self.cidrs(text, name: "REMIT_WEBHOOK_ALLOW_CIDRS")
        }
        if let text = environment["REMIT_WEBHOOK_CONNECT_TIMEOUT"], !text.isEmpty {
            guard let value = try? DurationText.parse(text) else {
                throw ConfigurationError("REMIT_WEBHOOK_CONNECT_TIMEOUT must look like 5s")
            }
            webhooks.sender.connectTimeout = value
        }
        if let text = environment["REMIT_WEBHOOK_TIMEOUT"], !text.isEmpty {
            guard let value = try? DurationText.parse(text) else {
                throw ConfigurationError("REMIT_WEBHOOK_TIMEOUT must look like 30s")
            }
            webhooks.sender.totalTimeout = value
            webhooks.lease = max(webhooks.lease, value * 3)
        }
        if let text = environment["REMIT_WEBHOOK_LEASE"], !text.isEmpty {
            guard let value = try? DurationText.parse(text), value > webhooks.sender.totalTimeout else {
                throw ConfigurationError("REMIT_WEBHOOK_LEASE must be a duration longer than the total timeout")
            }
            webhooks.lease = value
        }
        if let text = environment["REMIT_WEBHOOK_ENDPOINT_IN_FLIGHT"], !text.isEmpty {
            guard let value = Int(text), (1...64).contains(value) else {
                throw ConfigurationError("REMIT_WEBHOOK_ENDPOINT_IN_FLIGHT must be 1…64")
            }
            webhooks.perEndpointInFlight = value
        }
        if let url = environment["REMIT_ALERT_WEBHOOK_URL"], !url.isEmpty { alertWebhookURL = url }
        if let url = environment["REMIT_ALERT_PAGERDUTY_URL"], !url.isEmpty { pagerDutyURL = url }
        if let key = environment["REMIT_ALERT_PAGERDUTY_ROUTING_KEY"], !key.isEmpty { pagerDutyRoutingKey = key }
    }

    /// `10.0.0.0/8,127.0.0.1` → blocks.
    public static func cidrs(_ text: String, name: String) throws -> [CIDR] {
        try text.split(separator: ",").map { item in
            let trimmed = item.trimmingCharacters(in: .whitespaces)
            guard let block = CIDR(trimmed) else { throw ConfigurationError("\(name): \(trimmed) is not an address block") }
            return block
        }
    }
}
