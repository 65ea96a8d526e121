import Prometheus
import RemitCore
import Synchronization

/// What the stream processor has done, for `/metrics` (Prometheus) and `GET /admin/stream/stats` (JSON): the seed's
/// stream metrics — input events/s, processing latency (emit time − window end, live windows), watermark delay
/// (wall clock − live watermark), late and out-of-order events, runtime and data-conversion errors — each beside its
/// threshold.
public final class StreamStats: Sendable {
    struct State {
        var inputEvents: Int64 = 0
        var late: Int64 = 0
        var outOfOrder: Int64 = 0
        var dropped: Int64 = 0
        var conversionErrors: Int64 = 0
        var runtimeErrors: Int64 = 0
        var windowsEmitted: Int64 = 0
        /// Input and conversion errors per second (Unix second), the last minute's.
        var perSecond: [Int64: (events: Int64, errors: Int64)] = [:]
        /// Processing latencies of recently emitted live windows, milliseconds.
        var latencies: [Int64] = []
        var watermarkDelayMs: Int64?
        var lastCommitMs: Int64?
        var ownedPartitions: [Int] = []
        var firingAlerts = 0
    }

    private let state = Mutex(State())
    let registry: PrometheusCollectorRegistry?
    public let thresholds: StreamThresholds

    public init(registry: PrometheusCollectorRegistry?, thresholds: StreamThresholds = StreamThresholds()) {
        self.registry = registry
        self.thresholds = thresholds
    }

    static let latencySamplesMax = 2_000

    func input(events: Int64, conversionErrors: Int64, late: Int64, outOfOrder: Int64, dropped: Int64, atMs now: Int64) {
        state.withLock { state in
            state.inputEvents += events
            state.conversionErrors += conversionErrors
            state.late += late
            state.outOfOrder += outOfOrder
            state.dropped += dropped
            let second = now / 1000
            state.perSecond[second, default: (0, 0)].events += events
            state.perSecond[second, default: (0, 0)].errors += conversionErrors
            state.perSecond = state.perSecond.filter { $0.key > second - 60 }
        }
        guard let registry else { return }
        counter(registry, "input_events", "Request log documents read").increment(by: events)
        counter(registry, "conversion_errors", "Documents that could not be converted (quarantined)").increment(by: conversionErrors)
        counter(registry, "late_events", "Live events that arrived after the late-arrival tolerance").increment(by: late)
        counter(registry, "out_of_order_events", "Events older than the watermark").increment(by: outOfOrder)
        counter(registry, "dropped_events", "Late or out-of-order events dropped by the policy").increment(by: dropped)
    }

    func emitted(windows: Int64, liveLatenciesMs: [Int64], atMs now: Int64) {
        state.withLock { state in
            state.windowsEmitted += windows
            state.latencies += liveLatenciesMs
            if state.latencies.count > Self.latencySamplesMax { state.latencies.removeFirst(state.latencies.count - Self.latencySamplesMax) }
            state.lastCommitMs = now
        }
        guard let registry else { return }
        counter(registry, "windows_emitted", "Window rows written to the warehouse").increment(by: windows)
        let histogram = registry.makeDurationHistogram(
            descriptor: .init(namespace: "remit", subsystem: "stream", metricName: "processing_latency", unitName: "seconds",
                              helpText: "From a live window's end to its row's commit"),
            labels: [], buckets: [.milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2),
                                  .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300)])
        for latency in liveLatenciesMs { histogram.recordNanoseconds(latency * 1_000_000) }
    }

    func runtimeError() {
        state.withLock { $0.runtimeErrors += 1 }
        if let registry { counter(registry, "runtime_errors", "Processing errors (the batch is retried)").increment() }
    }

    func progress(watermarkDelayMs: Int64?, owned: [Int], firing: Int) {
        state.withLock { state in
            state.watermarkDelayMs = watermarkDelayMs
            state.ownedPartitions = owned
            state.firingAlerts = firing
        }
        guard let registry else { return }
        gauge(registry, "watermark_delay_seconds", "Wall clock minus the live watermark")
            .set(Double(watermarkDelayMs ?? 0) / 1000)
        gauge(registry, "owned_partitions", "Partitions of the request log this node processes").set(Double(owned.count))
        gauge(registry, "firing_alerts", "Error-rate alerts firing").set(Double(firing))
    }

    func counter(_ registry: PrometheusCollectorRegistry, _ name: String, _ help: String) -> Counter {
        registry.makeCounter(descriptor: .init(namespace: "remit", subsystem: "stream", metricName: name, unitName: "total",
                                               helpText: help))
    }

    func gauge(_ registry: PrometheusCollectorRegistry, _ name: String, _ help: String) -> Gauge {
        registry.makeGauge(descriptor: .init(namespace: "remit", subsystem: "stream", metricName: name, unitName: "", helpText: help))
    }

    /// One figure against its threshold.
    public struct Reading: Sendable, Equatable {
        public var name: String
        public var value: Double?
        public var threshold: Double
        public var breached: Bool
    }

    /// The seed's five metrics, each with its threshold, at `now`.
    public func readings(nowMs now: Int64) -> [Reading] {
        let state = self.state.withLock { $0 }
        let recent = state.perSecond.filter { $0.key > now / 1000 - 60 }
        let events = recent.values.reduce(0) { $0 + $1.events }
        let errors = recent.values.reduce(0) { $0 + $1.errors }
        let rate = Double(events) / 60
        let sorted = state.latencies.sorted()
        let p99 = sorted.isEmpty ? nil : Double(sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * 0.99))])
        let conversion = events == 0 ? 0 : Double(errors) / Double(events)
        return [
            Reading(name: "input_events_per_second", value: rate, threshold: thresholds.inputEventsPerSecond,
                    breached: rate > thresholds.inputEventsPerSecond),
            Reading(name: "processing_latency_p99_ms", value: p99, threshold: Double(thresholds.processingLatencyMs),
                    breached: (p99 ?? 0) > Double(thresholds.processingLatencyMs)),
            Reading(name: "watermark_delay_ms", value: state.watermarkDelayMs.map(Double.init),
                    threshold: Double(thresholds.watermarkDelayMs),
                    breached: (state.watermarkDelayMs ?? 0) > thresholds.watermarkDelayMs),
            Reading(name: "runtime_errors", value: Double(state.runtimeErrors), threshold: Double(thresholds.runtimeErrors),
                    breached: state.runtimeErrors > thresholds.runtimeErrors),
            Reading(name: "conversion_error_rate", value: conversion, threshold: thresholds.conversionErrorRate,
                    breached: conversion > thresholds.conversionErrorRate),
        ]
    }

    /// The JSON report.
    public func json(nowMs now: Int64) -> JSONValue {
        let state = self.state.withLock { $0 }
        return .object([
            ("object", .string("stream_stats")),
            ("metrics", .array(readings(nowMs: now).map { reading in
                .object([("name", .string(reading.name)), ("value", reading.value.map { .double($0) } ?? .null),
                         ("threshold", .double(reading.threshold)), ("breached", .bool(reading.breached))])
            })),
            ("input_events", .int(state.inputEvents)), ("late_events", .int(state.late)),
            ("out_of_order_events", .int(state.outOfOrder)), ("dropped_events", .int(state.dropped)),
            ("conversion_errors", .int(state.conversionErrors)), ("runtime_errors", .int(state.runtimeErrors)),
            ("windows_emitted", .int(state.windowsEmitted)), ("last_commit_ms", .optional(state.lastCommitMs)),
            ("owned_partitions", .array(state.ownedPartitions.map { .int(Int64($0)) })),
            ("firing_alerts", .int(Int64(state.firingAlerts))),
        ])
    }
}
