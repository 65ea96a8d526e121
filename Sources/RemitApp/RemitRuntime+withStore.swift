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
    /// Runs `body` with the store's and the warehouse's services running (their PostgreSQL pools), for one-shot
    /// commands and tests. Both: ``prepare(logger:)`` migrates the warehouse too, and a pool that is not running
    /// makes every lease wait for ever.
    public func withStore<T: Sendable>(logger: Logger, _ body: @Sendable @escaping () async throws -> T) async throws -> T {
        let warehouse = self.warehouse
        return try await store.running(logger: logger) {
            try await warehouse.running(logger: logger, body)
        }
    }
}
