import Logging
import RemitFraud
import RemitStore
import ServiceLifecycle

/// Keeps this node's fraud models in step with the registry: loads the champion and shadow at start and
/// again whenever an operator promotes, shadows or rolls back (on any node).
struct FraudModelWatcher: Service {
    let ledger: Ledger
    let ready: Readiness
    let interval: Duration
    let logger: Logger

    func run() async throws {
        guard await cancelWhenGracefulShutdown({ await ready.wait() }) else { return }
        await cancelWhenGracefulShutdown {
            // An empty registry changes nothing: models set up by other means (tests, embedding) stay.
            var loaded: [String] = []
            while true {
                do {
                    loaded = try await refresh(from: loaded)
                } catch {
                    if Task.isCancelled { return }
                    logger.warning("fraud models not refreshed", metadata: ["error": "\(error)"])
                }
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }

    /// Reloads when the active versions changed; returns the versions now loaded.
    func refresh(from loaded: [String]) async throws -> [String] {
        let registry = FraudModelRegistry(database: ledger.database, clock: ledger.clock)
        let versions = try await registry.activeVersions()
        guard versions != loaded else { return versions }
        let (champion, shadow) = try await registry.active()
        ledger.fraud.update { state in
            state.champion = champion
            state.shadow = shadow
        }
        logger.info("fraud models loaded", metadata: [
            "champion": "\(champion?.version ?? "none")", "shadow": "\(shadow?.version ?? "none")",
        ])
        return versions
    }
}
