import Logging
import Prometheus
import RemitCore
import RemitStore
import RemitServices
import ServiceLifecycle

/// Watches the fraud inputs and scores for drift: every few minutes, the population stability index of each
/// feature and of the score between the last day's decisions and the 30 days before (up to 20,000 of each),
/// and each feature's share of missing values, as Prometheus gauges.
public struct FraudDriftMonitor: Service {
    let ledger: Ledger
    let registry: PrometheusCollectorRegistry
    let ready: Readiness
    let interval: Duration
    let logger: Logger
    static let sampleSize = 20_000
    static let minimumSample = 200

    public init(ledger: Ledger, registry: PrometheusCollectorRegistry, ready: Readiness, interval: Duration, logger: Logger) {
        self.ledger = ledger
        self.registry = registry
        self.ready = ready
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await PeriodicWork("fraud drift measure", every: interval).run(ready: ready, logger: logger) {
            try await measure()
        }
    }

    /// Computes and publishes the figures; returns false when there are too few decisions to compare.
    @discardableResult
    public func measure() async throws -> Bool {
        let now = ledger.clock.unixSeconds()
        let samples = FraudDecisionSamples(database: ledger.database)
        let live = try await samples.recent(from: now - 86_400, until: now + 1, limit: Self.sampleSize)
        let reference = try await samples.recent(from: now - 31 * 86_400, until: now - 86_400, limit: Self.sampleSize)
        guard live.count >= Self.minimumSample, reference.count >= Self.minimumSample else { return false }
        for feature in FraudFeature.allCases {
            let liveValues = live.map { $0.vector[feature] }, referenceValues = reference.map { $0.vector[feature] }
            registry.makeGauge(descriptor: Self.featurePSI, labels: [("feature", feature.name)])
                .set(PopulationStability.index(reference: referenceValues, live: liveValues))
            registry.makeGauge(descriptor: Self.missing, labels: [("feature", feature.name)])
                .set(Double(liveValues.filter(\.isNaN).count) / Double(liveValues.count))
        }
        let liveScores = live.compactMap { $0.score.map(Float.init) }
        let referenceScores = reference.compactMap { $0.score.map(Float.init) }
        if !liveScores.isEmpty, !referenceScores.isEmpty {
            registry.makeGauge(descriptor: Self.scorePSI, labels: [])
                .set(PopulationStability.index(reference: referenceScores, live: liveScores))
        }
        return true
    }

    nonisolated(unsafe) static let featurePSI = MetricNameDescriptor(
        namespace: "remit", subsystem: "fraud", metricName: "feature_psi", unitName: "ratio",
        helpText: "Population stability index of each fraud feature: last 24 h against the 30 days before")
    nonisolated(unsafe) static let scorePSI = MetricNameDescriptor(
        namespace: "remit", subsystem: "fraud", metricName: "score_psi", unitName: "ratio",
        helpText: "Population stability index of the fraud score: last 24 h against the 30 days before")
    nonisolated(unsafe) static let missing = MetricNameDescriptor(
        namespace: "remit", subsystem: "fraud", metricName: "feature_missing", unitName: "ratio",
        helpText: "Share of the last 24 h of decisions with the feature missing")
}
