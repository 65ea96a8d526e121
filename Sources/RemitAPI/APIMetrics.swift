import Prometheus
import RemitCore

/// The API's Prometheus series: requests by route, method and status; latency; charges by outcome;
/// dropped request-log documents.
public final class APIMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let dropped: Counter
    private let openConnections: Gauge
    private let connectionsClosedAtCap: Counter
    private let fraudCheckHistogram: DurationHistogram
    static let latencyBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .seconds(2.5),
    ]

    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        dropped = registry.makeCounter(descriptor: .init(
            namespace: "remit", metricName: "api_log_dropped", unitName: "total",
            helpText: "API request-log documents dropped because the in-memory buffer was full"))
        openConnections = registry.makeGauge(name: "remit_http_open_connections", help: "HTTP connections open now")
        connectionsClosedAtCap = registry.makeCounter(
            name: "remit_http_connections_closed_at_cap_total",
            help: "Idle HTTP connections closed to make room at the connection cap")
        fraudCheckHistogram = registry.makeDurationHistogram(
            descriptor: Self.fraudCheck, labels: [], buckets: Self.fraudCheckBuckets)
    }

    func record(route: String, method: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: Self.requests, labels: [("route", route), ("method", method), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.latency, labels: [("route", route), ("method", method)], buckets: Self.latencyBuckets
        ).recordNanoseconds(duration.nanoseconds)
    }

    func charge(outcome: String) {
        registry.makeCounter(descriptor: Self.charges, labels: [("outcome", outcome)]).increment()
    }

    // Immutable structs of strings; the type only lacks a Sendable annotation.
    nonisolated(unsafe) static let requests = MetricNameDescriptor(
        namespace: "remit", subsystem: "http", metricName: "requests", unitName: "total",
        helpText: "HTTP requests by route template, method and status")
    nonisolated(unsafe) static let latency = MetricNameDescriptor(
        namespace: "remit", subsystem: "http", metricName: "request_duration", unitName: "seconds",
        helpText: "HTTP request latency by route template")
    nonisolated(unsafe) static let charges = MetricNameDescriptor(
        namespace: "remit", metricName: "charges", unitName: "total", helpText: "Charges created, by outcome type")

    func apiLogDropped() { dropped.increment() }

    func connectionOpened() { openConnections.increment() }
    func connectionClosed() { openConnections.decrement() }
    func connectionClosedAtCap() { connectionsClosedAtCap.increment() }

    static let fraudCheckBuckets: [Duration] = [
        .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
        .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
    ]
    nonisolated(unsafe) static let fraudCheck = MetricNameDescriptor(
        namespace: "remit", subsystem: "fraud", metricName: "check_duration", unitName: "seconds",
        helpText: "Fraud check in the charge path: the key's history from the store, the vector and the score")

    /// Records one fraud check's duration.
    public func fraudCheck(_ duration: Duration) {
        fraudCheckHistogram.recordNanoseconds(duration.nanoseconds)
    }
}

