import ArgumentParser
import RemitCommandSupport
import Logging
import RemitApp
import ServiceLifecycle
import UnixSignals

struct Webhooks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Webhook delivery.", subcommands: [Work.self])

    struct Work: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run webhook delivery workers alone (scale-out: several nodes share one PostgreSQL store).")

        @OptionGroup var store: StoreOptions
        @OptionGroup var webhooks: WebhookOptions

        @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error.")
        var logLevel = "info"

        func run() async throws {
            var configuration = try store.configuration()
            try webhooks.apply(to: &configuration)
            guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("unknown --log-level \(logLevel)") }
            let logger = makeLogger(level: level)
            let runtime = try RemitRuntime(configuration: configuration, logger: logger)
            let services = ServiceGroup(configuration: .init(
                services: (runtime.store.services + runtime.warehouse.services).map { .init(service: $0) } + [.init(service: runtime.webhookWorker(logger: logger))],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            // The store's and the warehouse's pools run as services; the worker waits until both are migrated.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await services.run() }
                try await runtime.prepare(logger: logger)
                try await group.next()
            }
        }
    }
}
