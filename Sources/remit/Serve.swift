import ArgumentParser
import RemitCommandSupport
import Hummingbird
import Logging
import RemitAPI
import RemitApp
import RemitFraud
import RemitCore

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the API server (migrates the store first).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var webhooks: WebhookOptions
    @OptionGroup var stream: StreamOptions

    @Flag(name: .customLong("no-stream-processor"), help: "Do not run the stream processor on this node (run `remit stream run` elsewhere).")
    var noStreamProcessor = false

    @Flag(name: .customLong("no-webhook-worker"), help: "Do not deliver webhooks on this node (run `remit webhooks work` elsewhere).")
    var noWebhookWorker = false

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 4242

    @Option(help: "Processing fee per captured charge, e.g. 2.9%+30 (or REMIT_FEE).")
    var fee: String?

    @Option(name: .customLong("api-log-flush-interval"), help: "How often request logs are written, <n>ms|s|m|h.")
    var apiLogFlushInterval: DurationArgument?

    @Option(name: .customLong("rate-limit"), help: "Requests per second per API key (default: no limit).")
    var rateLimit: Int?

    @Option(name: .customLong("postgres-connections"), help: "PostgreSQL pool size per node.")
    var postgresConnections: Int?

    @Option(name: .customLong("max-connections"), help: "Open HTTP connections kept at most; at the cap the longest-idle closes (default 10000; or REMIT_MAX_CONNECTIONS).")
    var maxConnections: Int?

    @Option(name: .customLong("log-level"), help: "trace, debug (one line per request), info, notice, warning, error.")
    var logLevel = "info"

    @Option(name: .customLong("fraud-block-at"), help: "Fraud score that blocks a charge (default 0.9; or REMIT_FRAUD_BLOCK_AT).")
    var fraudBlockAt: Double?

    @Option(name: .customLong("fraud-review-at"), help: "Fraud score that sends a charge to review (default 0.7; or REMIT_FRAUD_REVIEW_AT).")
    var fraudReviewAt: Double?

    func run() async throws {
        var configuration = try store.configuration()
        configuration.host = host
        configuration.port = port
        if let fee {
            guard let policy = FeePolicy(parsing: fee) else { throw ValidationError("--fee must look like 2.9%+30") }
            configuration.fees = policy
        }
        if let postgresConnections {
            guard (1...1_000).contains(postgresConnections) else { throw ValidationError("--postgres-connections: 1…1000") }
            configuration.postgresConnectionsMax = postgresConnections
        }
        if let maxConnections {
            guard maxConnections >= 16 else { throw ValidationError("--max-connections: at least 16") }
            configuration.server.connectionsMax = maxConnections
        }
        if let interval = apiLogFlushInterval { configuration.apiLogFlushInterval = interval.duration }
        if let rateLimit {
            guard rateLimit > 0 else { throw ValidationError("--rate-limit must be positive") }
            configuration.rateLimitPerKey = rateLimit
        }
        try webhooks.apply(to: &configuration)
        configuration.webhookWorker = !noWebhookWorker
        try stream.apply(to: &configuration)
        if noStreamProcessor { configuration.streamProcessor = false }
        if let fraudBlockAt { configuration.fraudPolicy.blockThreshold = fraudBlockAt }
        if let fraudReviewAt { configuration.fraudPolicy.reviewThreshold = fraudReviewAt }
        let policy = configuration.fraudPolicy
        guard 0 < policy.reviewThreshold, policy.reviewThreshold <= policy.blockThreshold, policy.blockThreshold <= 1 else {
            throw ValidationError("fraud thresholds must satisfy 0 < review ≤ block ≤ 1")
        }
        guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("unknown --log-level \(logLevel)") }
        let logger = makeLogger(level: level)
        let runtime = try RemitRuntime(configuration: configuration, logger: logger)
        let app = buildApplication(runtime, logger: logger)
        try await app.runService()
    }
}
