import ArgumentParser
import RemitCommandSupport
import RemitApp
import RemitWebhooks

/// Webhook delivery options shared by `remit serve` and `remit webhooks work`.
struct WebhookOptions: ParsableArguments {
    @Option(name: .customLong("webhook-retry-schedule"),
            help: "live (about 3 days, default), seed (1,2,4,8,16 min), test, or a list like 1s,2s,5s (or REMIT_WEBHOOK_RETRY_SCHEDULE).")
    var retrySchedule: String?

    @Option(name: .customLong("webhook-allow-cidr"),
            help: "An address block webhooks may reach despite the SSRF guard, e.g. 127.0.0.0/8 (repeatable; or REMIT_WEBHOOK_ALLOW_CIDRS).")
    var allowCIDRs: [String] = []

    @Option(name: .customLong("webhook-endpoint-in-flight"), help: "Requests in flight per endpoint per node (default 8, at most 64).")
    var perEndpointInFlight: Int?

    func apply(to configuration: inout RemitConfiguration) throws {
        if let retrySchedule {
            guard let schedule = RetrySchedule(parsing: retrySchedule) else {
                throw ValidationError("--webhook-retry-schedule must be live, seed, test or a list like 1s,2s,5s")
            }
            configuration.webhooks.schedule = schedule
        }
        for text in allowCIDRs {
            configuration.webhooks.sender.addressPolicy.allowed += try RemitConfiguration.cidrs(text, name: "--webhook-allow-cidr")
        }
        if let perEndpointInFlight {
            guard (1...64).contains(perEndpointInFlight) else { throw ValidationError("--webhook-endpoint-in-flight: 1…64") }
            configuration.webhooks.perEndpointInFlight = perEndpointInFlight
        }
    }
}
