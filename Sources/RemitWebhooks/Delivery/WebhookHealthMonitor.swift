import Logging
import RemitAlerts
import RemitCore
import RemitStore
import RemitServices
import ServiceLifecycle

/// Applies the seed's webhook alert rules every `checkInterval` (research webhooks.md §3.6):
/// - success rate of an endpoint below 95 % over the last hour, with at least 50 attempts → an alert and
///   `webhook_endpoint.failing` on the merchant's account (again at most daily while it lasts);
/// - 100 or more dead deliveries and no 2xx for 3 days → the endpoint is disabled, with an alert and
///   `webhook_endpoint.disabled`.
/// It also publishes the queue gauges. Every node runs it; the conditions are re-read in the transaction
/// that acts, so two nodes do not disable twice, and a duplicate "failing" notice is harmless.
public struct WebhookHealthMonitor: Service, WebhookHealthChecking {
    let ledger: Ledger
    let policy: WebhookHealthPolicy
    let alerting: Alerting
    let metrics: WebhookMetrics
    let ready: Readiness
    let logger: Logger

    public init(ledger: Ledger, policy: WebhookHealthPolicy, alerting: Alerting, metrics: WebhookMetrics,
                ready: Readiness, logger: Logger) {
        self.ledger = ledger
        self.policy = policy
        self.alerting = alerting
        self.metrics = metrics
        self.ready = ready
        self.logger = logger
    }

    public func run() async throws {
        await PeriodicWork("webhook health check", every: policy.checkInterval).run(ready: ready, logger: logger) {
            try await check()
        }
    }

    public func check() async throws {
        let now = ledger.clock.unixMilliseconds()
        let health = WebhookHealth(database: ledger.database)
        let failing = try await health.failing(
            since: now - policy.window, minimumAttempts: policy.minimumAttempts,
            threshold: policy.threshold, notifiedBefore: now - policy.renotifyAfter)
        for endpoint in failing {
            _ = try await ledger.perform(Self.context(endpoint.accountID), idempotency: nil) { transaction in
                try await transaction.markWebhookEndpointFailing(endpoint.endpointID, attempts: endpoint.attempts,
                                                                 successRate: endpoint.successRate)
                return StoredResponse(status: 200, body: "")
            }
            let percent = (endpoint.successRate * 1000).rounded() / 10
            await alerting.raise(Alert(
                source: "webhooks", kind: "endpoint_failing", severity: .warning, subject: endpoint.endpointID,
                accountID: endpoint.accountID,
                summary: "webhook endpoint \(endpoint.endpointID) succeeded on \(percent) % of \(endpoint.attempts) attempts in the last hour",
                details: ["attempts": "\(endpoint.attempts)", "succeeded": "\(endpoint.succeeded)"],
                created: ledger.clock.now()))
        }
        let dead = try await health.deadWithoutSuccess(
            since: now - policy.disableWindow, minimumDead: policy.deadToDisable)
        for endpoint in dead {
            let outcome = try await ledger.perform(Self.context(endpoint.accountID), idempotency: nil) { transaction in
                let result = try await transaction.disableFailingWebhookEndpoint(endpoint.endpointID)
                return StoredResponse(status: result == nil ? 304 : 200, body: "")
            }
            guard case .executed(let response) = outcome, response.status == 200 else { continue }
            await alerting.raise(Alert(
                source: "webhooks", kind: "endpoint_disabled", severity: .critical, subject: endpoint.endpointID,
                accountID: endpoint.accountID,
                summary: "webhook endpoint \(endpoint.endpointID) disabled: \(endpoint.dead) dead deliveries and no 2xx in the window",
                details: ["dead": "\(endpoint.dead)"], created: ledger.clock.now()))
        }
        let stats = try await WebhookStats.measure(ledger.database, now: now, sampleMax: 1)
        metrics.queue(depth: stats.queueDepth, oldestDueAge: .milliseconds(stats.oldestDueAgeMilliseconds),
                      retrying: stats.inRetry, deadCount: stats.dead, disabledEndpoints: Int64(stats.disabledEndpoints.count))
    }

    static func context(_ accountID: String) -> OperationContext {
        OperationContext(accountID: accountID, livemode: false, requestID: "")
    }
}

/// Runs the webhook alert rules once.
public protocol WebhookHealthChecking: Sendable {
    func check() async throws
}
