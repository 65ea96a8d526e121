import Logging
import ServiceLifecycle

extension StoreConnection {
    /// Runs `body` with the connection's services running (the PostgreSQL pool), for one-shot commands.
    public func running<T: Sendable>(logger: Logger, _ body: @Sendable @escaping () async throws -> T) async throws -> T {
        guard !services.isEmpty else { return try await body() }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            let services = ServiceGroup(configuration: .init(services: self.services, logger: logger))
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

extension RemitRuntime {
    /// Runs `body` with the store's services running (the PostgreSQL pool), for one-shot commands.
    public func withStore<T: Sendable>(logger: Logger, _ body: @Sendable @escaping () async throws -> T) async throws -> T {
        try await store.running(logger: logger, body)
    }
}
