import Foundation
import Hummingbird
import Logging
import Prometheus
import RemitServices
import RemitAPI
import RemitAlerts
import RemitCore
import RemitDashboard
import RemitETL
import RemitProcessor
import RemitSQL
import RemitFraud
import RemitStore
import RemitStreaming
import RemitWebhooks
import ServiceLifecycle

/// The parts of a running Remit, shared by `remit serve`, the tests and the other commands.
public struct RemitRuntime: Sendable {
    public let configuration: RemitConfiguration
    public let store: StoreConnection
    /// The ETL's warehouse (its own database).
    public let warehouse: StoreConnection
    public let ledger: Ledger
    /// Flow 4's models, thresholds and reference tables: the ledger's risk check scores with them.
    public let fraud: FraudEngine
    /// Which accounts have webhook endpoints, and the wake-up of this node's delivery workers (flow 5).
    public let webhookDirectory: WebhookDirectory
    public let metrics: APIMetrics
    public let requestLog: APILogBuffer
    /// Every flow raises alerts here: the log, the `alerts` table, and the configured HTTP sinks.
    public let alerting: Alerting
    /// Alerts raised on a request's path (a blocked charge), delivered by the ``AlertDispatcher`` off it.
    public let alertQueue: AlertQueue
    let webhookMetrics: WebhookMetrics
    /// The stream processor's figures (`/metrics`, `GET /admin/stream/stats`).
    public let streamStats: StreamStats
    /// Opened once migrations ran: services that touch the store wait for it.
    public let ready = Readiness()
    /// The card fingerprint key's text (never stored in the database).
    let fingerprintKey: String

    public init(configuration: RemitConfiguration, logger: Logger, clock: WallClock = .system,
                ids: IDGenerator = .random) throws {
        self.configuration = configuration
        try DataDirectory.prepare(configuration.dataDirectory)
        fingerprintKey = try FingerprintKey.load(configuration)
        store = try StoreConnection.open(configuration, logger: logger)
        warehouse = try StoreConnection.openWarehouse(configuration, url: configuration.warehouseURL, logger: logger)
        let calendar = Calendar(identifier: .gregorian)
        let today = calendar.dateComponents(in: TimeZone(identifier: "UTC")!, from: clock.now())
        let simulator = Simulator(currentYear: Int64(today.year ?? 2026), currentMonth: Int64(today.month ?? 1),
                                  fingerprints: FingerprintKey.fingerprints(key: fingerprintKey))
        let fraud = FraudEngine()
        self.fraud = fraud
        webhookDirectory = WebhookDirectory()
        ledger = Ledger(database: store.database, clock: clock, ids: ids, fees: configuration.fees, processor: simulator,
                        riskCheck: FraudRiskCheck(engine: fraud), eventFanOut: WebhookFanOut(directory: webhookDirectory))
        switch DefaultFraudModel.shared {
        case .success(let model?):
            fraud.update { $0.champion = model }
        case .success(nil):
            logger.warning("no default fraud model found: charges are not scored until a model is promoted")
        case .failure(let failure):
            logger.warning("the default fraud model could not be loaded", metadata: ["error": "\(failure)"])
        }
        metrics = APIMetrics(registry: PrometheusCollectorRegistry())
        let metrics = self.metrics
        fraud.observeChecks { metrics.fraudCheck($0) }
        let policy = configuration.fraudPolicy
        fraud.update { $0.policy = policy }
        requestLog = APILogBuffer(capacity: configuration.apiLogBufferCapacity)
        var sinks: [any AlertSink] = [AlertLog(database: store.database)]
        if let url = configuration.alertWebhookURL { sinks.append(ChatWebhookAlertSink(url: url)) }
        if let key = configuration.pagerDutyRoutingKey {
            sinks.append(PagerDutyAlertSink(url: configuration.pagerDutyURL, routingKey: key))
        }
        alerting = Alerting(sinks: sinks, logger: logger)
        alertQueue = AlertQueue(logger: logger)
        webhookMetrics = WebhookMetrics(registry: metrics.registry)
        streamStats = StreamStats(registry: metrics.registry, thresholds: configuration.stream.thresholds)
    }

    /// The stream processor (flow 3), as `remit serve` runs it and `remit stream run` runs it alone.
    public func streamProcessor(logger: Logger) -> StreamProcessor {
        StreamProcessor(store: store.database, warehouse: warehouse.database, configuration: configuration.stream,
                        alerting: alerting, clock: ledger.clock, stats: streamStats,
                        node: NodeIdentity.worker("stream"),
                        logger: logger)
    }

    /// The webhook delivery worker of this node (also what `remit webhooks work` runs alone). It starts once
    /// `startWhen` opens (default: when the store is ready).
    public func webhookWorker(logger: Logger, startWhen: Readiness? = nil) -> WebhookDeliveryService {
        WebhookDeliveryService(queue: WebhookQueue(database: store.database), directory: webhookDirectory,
                               configuration: configuration.webhooks, clock: ledger.clock, ready: startWhen ?? ready,
                               metrics: webhookMetrics, logger: logger)
    }

    /// The nightly ETL with its alerts.
    public func etlRunner(logger: Logger) -> EtlRunner {
        EtlRunner(pipeline: EtlPipeline(store: store.database, warehouse: warehouse.database,
                                        lakeDirectory: configuration.lakePath, configuration: configuration.etl),
                  alerting: alerting, clock: ledger.clock, logger: logger)
    }

    /// The webhook alert rules, for tests that run a check on demand.
    public func webhookHealthMonitorForTests() -> some WebhookHealthChecking { webhookHealthMonitor(logger: Logger(label: "test")) }

    /// The webhook alert rules (every node runs them).
    func webhookHealthMonitor(logger: Logger) -> WebhookHealthMonitor {
        WebhookHealthMonitor(ledger: ledger, policy: configuration.webhooks.health, alerting: alerting,
                             metrics: webhookMetrics, ready: ready, logger: logger)
    }

    /// Checks that this node's card fingerprint key is the store's (recorded by the first node): only a node that
    /// serves the API makes fingerprints, so only it must have the key.
    public func ensureFingerprintKey() async throws {
        try await FingerprintKey.ensure(fingerprintKey, ledger: ledger)
    }

    /// Migrates the store and makes sure the platform key is registered.
    public func prepare(logger: Logger) async throws {
        try await ledger.migrate()
        // The warehouse's tables exist before any page, run or processor reads them.
        try await Migrator.migrate(warehouse.database, WarehouseSchema.migrations)
        try await Migrator.migrate(warehouse.database, StreamSchema.migrations, ledger: StreamSchema.ledger)
        try await AdminKey.ensure(configuration, ledger: ledger, logger: logger)
        ready.open()
    }
}

/// Builds the HTTP application: the API router, and the services in dependency order
/// (database pool → request-log writer → idempotency pruner; the HTTP server last, stopped first).
public func buildApplication(_ runtime: RemitRuntime, logger: Logger) -> some ApplicationProtocol {
    let worker = runtime.configuration.webhookWorker ? runtime.webhookWorker(logger: logger) : nil
    let database = runtime.store.database
    let clock = runtime.ledger.clock
    let router = APIRouter.build(
        ledger: runtime.ledger, fraud: runtime.fraud, metrics: runtime.metrics, requestLog: runtime.requestLog,
        rateLimiter: runtime.configuration.rateLimitPerKey.map { RateLimiter(requestsPerSecond: $0, clock: clock) },
        alerts: runtime.alertQueue,
        adminReports: [
            "webhooks/stats": {
                var report = try await WebhookStats.measure(database, now: clock.unixMilliseconds()).json
                if case .object(var fields) = report {
                    let states = worker?.endpointStates() ?? []
                    fields.append(("this_node", .object([
                        ("worker", worker.map { .string($0.owner) } ?? .null),
                        ("endpoints", .array(states.map {
                            .object([("id", .string($0.endpoint)), ("in_flight", .int(Int64($0.inFlight))),
                                     ("waiting", .int(Int64($0.waiting))), ("breaker", .string($0.breaker))])
                        })),
                    ])))
                    report = .object(fields)
                }
                return report
            },
            "stream/stats": { runtime.streamStats.json(nowMs: clock.unixMilliseconds().value) },
        ])
    DashboardController(ledger: runtime.ledger,
                        sources: DashboardSources(store: database, warehouse: runtime.warehouse.database, clock: clock,
                                                  streamStats: runtime.streamStats))
        .register(on: router)
    let fraudWatcher = FraudModelWatcher(ledger: runtime.ledger, engine: runtime.fraud, ready: runtime.ready, interval: .seconds(10), logger: logger)
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
    let queue = WebhookQueue(database: runtime.store.database)
    let pruneJob = ScheduledJob(name: "webhook-prune", cadence: .daily(hour: 5)) {
        // Dead deliveries stay replayable 30 days (Stripe keeps events 30 days); then they and their attempts go.
        let removed = try await queue.prune(before: clock.unixMilliseconds() - EventRetention.stripeWindow)
        return "\(removed) webhook deliveries and attempts older than 30 days removed"
    }
    // What grows with every payment and is not a business record: events past Stripe's 30 days, and the change
    // capture the ETL has published (after the nightly run).
    var retentionJobs: [ScheduledJob] = []
    if let retention = runtime.configuration.eventRetention {
        retentionJobs.append(ScheduledJob(name: "events-prune", cadence: .daily(hour: 5)) {
            let cutoff = clock.unixSeconds() - retention.components.seconds
            let removed = try await EventRetention(database: runtime.store.database).prune(createdBefore: cutoff)
            return "\(removed) events older than \(DurationText.format(retention)) removed"
        })
    }
    if let retention = runtime.configuration.changeCaptureRetention {
        // After the nightly run has published (and confirmed) the day.
        retentionJobs.append(ScheduledJob(name: "change-capture-prune", cadence: .daily(hour: 5)) {
            let report = try await runtime.pruneChangeCapture(retention: retention)
            return report.description
        })
    }
    var etlJobs: [ScheduledJob] = []
    if let hour = runtime.configuration.etlHour {
        let etl = runtime.etlRunner(logger: logger)
        // The nightly run loads the day that just ended; by the deadline hour it must have published.
        let deadlineHour = runtime.configuration.etlDeadlineHour
        etlJobs.append(ScheduledJob(name: "etl-nightly", cadence: .daily(hour: hour)) {
            let now = clock.now()
            let day = EtlSchedule.previousDay(now)
            let report = try await etl.runNightly(date: day, deadline: EtlSchedule.deadline(after: now, hour: deadlineHour),
                                                  runID: "nightly-" + day)
            return "published LSN (\(report.fromLSN), \(report.toLSN)]"
        })
        etlJobs.append(ScheduledJob(name: "etl-deadline", cadence: .daily(hour: runtime.configuration.etlDeadlineHour)) {
            let day = EtlSchedule.previousDay(clock.now())
            return try await etl.checkDeadline(date: day) ? "published in time" : "deadline missed: alert raised"
        })
    }
    let scheduler = Scheduler(
        jobs: retrainJobs + [pruneJob] + etlJobs + retentionJobs, runs: ScheduledRuns(database: runtime.store.database), clock: runtime.ledger.clock,
        ready: runtime.ready, node: NodeIdentity.current,
        logger: logger)
    var limits = runtime.configuration.server
    limits.connectionsMax = OpenFileLimit.connectionsAllowed(configured: limits.connectionsMax)
    let connectionGuard = ConnectionGuard(limits: limits, metrics: runtime.metrics, logger: logger)
    var app = Application(
        router: router,
        server: .http1(configuration: .init(additionalChannelHandlers: [connectionGuard.makeHandler()],
                                            idleTimeout: .nanoseconds(Int64(limits.idleTimeout.wholeMilliseconds) * 1_000_000))),
        configuration: .init(address: .hostname(runtime.configuration.host, port: runtime.configuration.port),
                             serverName: "Remit"),
        logger: logger)
    app.addServices(runtime.store.services)
    app.addServices(runtime.warehouse.services)
    // After the pools, so it stops before them: the alerts it still holds reach the `alerts` table.
    app.addServices(AlertDispatcher(queue: runtime.alertQueue, alerting: runtime.alerting))
    app.addServices(
        APILogWriter(buffer: runtime.requestLog, ledger: runtime.ledger, ready: runtime.ready,
                     interval: runtime.configuration.apiLogFlushInterval, logger: logger),
        IdempotencyPruner(ledger: runtime.ledger, ready: runtime.ready,
                          retention: runtime.configuration.idempotencyRetention, logger: logger),
        AuthorizationExpiry(ledger: runtime.ledger, ready: runtime.ready, logger: logger),
        fraudWatcher, scheduler,
        FraudDriftMonitor(ledger: runtime.ledger, registry: runtime.metrics.registry, ready: runtime.ready,
                          interval: .seconds(300), logger: logger),
        runtime.webhookHealthMonitor(logger: logger))
    if let worker { app.addServices(worker) }
    if runtime.configuration.streamProcessor {
        app.addServices(StreamProcessorService(processor: runtime.streamProcessor(logger: logger), ready: runtime.ready,
                                               logger: logger))
    }
    app.beforeServerStarts {
        try await runtime.prepare(logger: logger)
        try await runtime.ensureFingerprintKey()
        try await fraudWatcher.loadNow()
        logger.info("Remit ready", metadata: ["store": "\(runtime.store.description)",
                                              "address": "\(runtime.configuration.host):\(runtime.configuration.port)"])
    }
    return app
}
