import Logging
import ServiceLifecycle

extension RemitRuntime {
    /// Runs `body` with the store's services running (the PostgreSQL pool), for one-shot commands.
    public func withStore<T: Sendable>(logger: Logger, _ body: @Sendable @escaping () async throws -> T) async throws -> T {
        guard !store.services.isEmpty else { return try await body() }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            let services = ServiceGroup(configuration: .init(services: store.services, logger: logger))
            group.addTask {
                try await services.run()
                return nil
            }
            let result = try await body()
            await services.triggerGracefulShutdown()
            for try await _ in group {}
            return result
        }
    }
}
