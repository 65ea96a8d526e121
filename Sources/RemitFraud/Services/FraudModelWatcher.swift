import Logging
import RemitStore
import RemitServices
import ServiceLifecycle
import Synchronization

/// Keeps this node's fraud models and reference tables in step with the store: loads the champion and shadow
/// and the BIN, IP and domain tables before the server starts (``loadNow()``), then polls and reloads whenever
/// an operator promotes, shadows or rolls back a model or loads a table, on any node.
public struct FraudModelWatcher: Service {
    let ledger: Ledger
    let engine: FraudEngine
    let ready: Readiness
    let interval: Duration
    let logger: Logger
    private let loaded = Loaded()

    public init(ledger: Ledger, engine: FraudEngine, ready: Readiness, interval: Duration, logger: Logger) {
        self.ledger = ledger
        self.engine = engine
        self.ready = ready
        self.interval = interval
        self.logger = logger
    }

    /// What was loaded last: the active model versions and the reference-table versions. An empty registry
    /// changes nothing, so models set up by other means (tests, embedding) stay.
    private final class Loaded: Sendable {
        let state = Mutex<(models: [String], references: [String: Int64])>(([], [:]))
    }

    public func run() async throws {
        // The champion loaded before the server started (the default model, or the registry's) gets its
        // explanation table here, off the startup path; a later promotion's is built as it is loaded.
        let engine = self.engine
        await PeriodicWork("fraud model and reference refresh", every: interval, start: .afterInterval)
            .run(ready: ready, logger: logger, whenReady: { engine.current.champion?.prepareExplanations() }) {
                try await loadNow()
            }
    }

    /// Loads whatever changed since the last load.
    public func loadNow() async throws {
        let (models, references) = loaded.state.withLock { $0 }
        let newModels = try await refreshModels(from: models)
        let newReferences = try await refreshReferences(from: references)
        loaded.state.withLock { $0 = (newModels, newReferences) }
    }

    private func refreshModels(from loaded: [String]) async throws -> [String] {
        let registry = FraudModelRegistry(database: ledger.database, clock: ledger.clock)
        let versions = try await registry.activeVersions()
        guard versions != loaded else { return versions }
        let (champion, shadow) = try await registry.active()
        champion?.prepareExplanations()
        engine.update { state in
            state.champion = champion
            state.shadow = shadow
        }
        logger.info("fraud models loaded", metadata: [
            "champion": "\(champion?.version ?? "none")", "shadow": "\(shadow?.version ?? "none")",
        ])
        return versions
    }

    private func refreshReferences(from loaded: [String: Int64]) async throws -> [String: Int64] {
        let store = FraudReferenceStore(database: ledger.database, clock: ledger.clock)
        let versions = try await store.versions()
        guard versions != loaded else { return versions }
        let data = try await store.load()
        let thresholds = try await store.thresholds()
        engine.update { state in
            state.references = data
            state.merchantPolicies = thresholds
        }
        logger.info("fraud reference tables loaded", metadata: [
            "card_bins": "\(data.cardBins.count)", "ip_ranges": "\(data.ipRanges.count)",
            "email_domains": "\(data.emailDomains.count)", "merchant_thresholds": "\(thresholds.count)",
        ])
        return versions
    }
}
