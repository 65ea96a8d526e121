import Prometheus
import RemitCore

/// Prometheus series of webhook delivery.
public final class WebhookMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let firstAttemptLatency: DurationHistogram
    private let attemptDuration: DurationHistogram
    private let inFlight: Gauge
    private let dead: Counter

    static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
        .seconds(10), .seconds(30),
    ]

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        firstAttemptLatency = registry.makeDurationHistogram(
            descriptor: .init(namespace: "remit", subsystem: "webhook", metricName: "first_attempt_latency",
                              unitName: "seconds", helpText: "From the event's commit to the start of its first attempt"),
            labels: [], buckets: Self.buckets)
        attemptDuration = registry.makeDurationHistogram(
            descriptor: .init(namespace: "remit", subsystem: "webhook", metricName: "attempt_duration",
                              unitName: "seconds", helpText: "Duration of one HTTP attempt"),
            labels: [], buckets: Self.buckets)
        inFlight = registry.makeGauge(descriptor: .init(
            namespace: "remit", subsystem: "webhook", metricName: "in_flight", unitName: "deliveries",
            helpText: "Deliveries this node holds: requests in flight and claimed deliveries waiting for a slot"))
        dead = registry.makeCounter(descriptor: .init(
            namespace: "remit", subsystem: "webhook", metricName: "dead_deliveries", unitName: "total",
            helpText: "Deliveries that exhausted their retries"))
    }

    func attempt(succeeded: Bool, errorKind: String?, duration: Duration, firstAttemptLatency latency: Duration?) {
        registry.makeCounter(descriptor: Self.attempts, labels: [
            ("result", succeeded ? "succeeded" : "failed"), ("error", errorKind ?? "none"),
        ]).increment()
        attemptDuration.recordNanoseconds(duration.nanoseconds)
        if let latency { firstAttemptLatency.recordNanoseconds(latency.nanoseconds) }
    }

    func delivery(dead isDead: Bool) { if isDead { dead.increment() } }

    func held(_ count: Int) { inFlight.set(Double(count)) }

    func queue(depth: Int64, oldestDueAge: Duration, retrying: Int64, deadCount: Int64, disabledEndpoints: Int64) {
        registry.makeGauge(descriptor: Self.gauge("queue_depth", "Deliveries due now or later, not yet answered")).set(Double(depth))
        registry.makeGauge(descriptor: Self.gauge("oldest_due_age_seconds", "How long the oldest due delivery has waited"))
            .set(Double(oldestDueAge.nanoseconds) / 1e9)
        registry.makeGauge(descriptor: Self.gauge("in_retry", "Deliveries waiting for a retry")).set(Double(retrying))
        registry.makeGauge(descriptor: Self.gauge("dead", "Dead deliveries kept for replay")).set(Double(deadCount))
        registry.makeGauge(descriptor: Self.gauge("disabled_endpoints", "Endpoints disabled")).set(Double(disabledEndpoints))
    }

    func breakers(open: Int) {
        registry.makeGauge(descriptor: Self.gauge("open_breakers", "Endpoints whose circuit breaker is open on this node"))
            .set(Double(open))
    }

    static func gauge(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "remit", subsystem: "webhook", metricName: name, unitName: "", helpText: help)
    }

    nonisolated(unsafe) static let attempts = MetricNameDescriptor(
        namespace: "remit", subsystem: "webhook", metricName: "attempts", unitName: "total",
        helpText: "Webhook HTTP attempts by result and error kind")
}
