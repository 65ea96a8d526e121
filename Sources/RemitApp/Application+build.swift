import Foundation
import Hummingbird
import Logging
import Prometheus
import RemitAPI
import RemitCore
import RemitProcessor
import RemitSQL
import RemitFraud
import RemitStore
import ServiceLifecycle

/// The parts of a running Remit, shared by `remit serve`, the tests and the other commands.
public struct RemitRuntime: Sendable {
    public let configuration: RemitConfiguration
    public let store: StoreConnection
    public let ledger: Ledger
    public let metrics: APIMetrics
    public let requestLog: APILogBuffer
    /// Opened once migrations ran: services that touch the store wait for it.
    public let ready = Readiness()

    public init(configuration: RemitConfiguration, logger: Logger, clock: WallClock = .system,
                ids: IDGenerator = .random) throws {
        self.configuration = configuration
        store = try StoreConnection.open(configuration, logger: logger)
        let calendar = Calendar(identifier: .gregorian)
        let today = calendar.dateComponents(in: TimeZone(identifier: "UTC")!, from: clock.now())
        let simulator = Simulator(currentYear: Int64(today.year ?? 2026), currentMonth: Int64(today.month ?? 1))
        ledger = Ledger(database: store.database, clock: clock, ids: ids, fees: configuration.fees, processor: simulator)
        switch DefaultFraudModel.shared {
        case .success(let model?):
            ledger.fraud.update { $0.champion = model }
        case .success(nil):
            logger.warning("no default fraud model found: charges are not scored until a model is promoted")
        case .failure(let failure):
            logger.warning("the default fraud model could not be loaded", metadata: ["error": "\(failure)"])
        }
        metrics = APIMetrics(registry: PrometheusCollectorRegistry())
        let metrics = self.metrics
        ledger.fraud.observeChecks { metrics.fraudCheck($0) }
        let policy = configuration.fraudPolicy
        ledger.fraud.update { $0.policy = policy }
        requestLog = APILogBuffer(capacity: configuration.apiLogBufferCapacity)
    }

    /// Migrates the store and makes sure the platform key is registered.
    public func prepare(logger: Logger) async throws {
        try await ledger.migrate()
        try await AdminKey.ensure(configuration, ledger: ledger, logger: logger)
        ready.open()
    }
}

/// Builds the HTTP application: the API router, and the services in dependency order
/// (database pool → request-log writer → idempotency pruner; the HTTP server last, stopped first).
public func buildApplication(_ runtime: RemitRuntime, logger: Logger) -> some ApplicationProtocol {
    let router = APIRouter.build(
        ledger: runtime.ledger, metrics: runtime.metrics, requestLog: runtime.requestLog,
        rateLimiter: runtime.configuration.rateLimitPerKey.map(RateLimiter.init(requestsPerSecond:)))
    let fraudWatcher = FraudModelWatcher(ledger: runtime.ledger, ready: runtime.ready, interval: .seconds(10), logger: logger)
    let retraining = FraudRetraining(database: runtime.store.database, clock: runtime.ledger.clock)
    let defaultModel = try? DefaultFraudModel.shared.get()
    let retrainJobs: [ScheduledJob] = runtime.configuration.fraudRetraining ? [
        ScheduledJob(name: "fraud-retrain-incremental", cadence: .weekly(weekday: 2, hour: 3)) {
            try await retraining.run(.incremental, champion: defaultModel).description
        },
        ScheduledJob(name: "fraud-retrain-full", cadence: .monthly(day: 1, hour: 4)) {
            try await retraining.run(.full, champion: defaultModel).description
        },
    ] : []
    let scheduler = Scheduler(
        jobs: retrainJobs, runs: ScheduledRuns(database: runtime.store.database), clock: runtime.ledger.clock,
        ready: runtime.ready, node: ProcessInfo.processInfo.hostName + ":\(ProcessInfo.processInfo.processIdentifier)",
        logger: logger)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(runtime.configuration.host, port: runtime.configuration.port),
                             serverName: "Remit"),
        logger: logger)
    app.addServices(runtime.store.services)
    app.addServices(
        APILogWriter(buffer: runtime.requestLog, ledger: runtime.ledger, ready: runtime.ready,
                     interval: runtime.configuration.apiLogFlushInterval, logger: logger),
        IdempotencyPruner(ledger: runtime.ledger, ready: runtime.ready,
                          retention: runtime.configuration.idempotencyRetention, logger: logger),
        fraudWatcher, scheduler,
        FraudDriftMonitor(ledger: runtime.ledger, registry: runtime.metrics.registry, ready: runtime.ready,
                          interval: .seconds(300), logger: logger))
    app.beforeServerStarts {
        try await runtime.prepare(logger: logger)
        try await fraudWatcher.loadNow()
        logger.info("Remit ready", metadata: ["store": "\(runtime.store.description)",
                                              "address": "\(runtime.configuration.host):\(runtime.configuration.port)"])
    }
    return app
}
