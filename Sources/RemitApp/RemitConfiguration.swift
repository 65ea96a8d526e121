import Foundation
import RemitAPI
import RemitFraud
import RemitCore
import RemitETL
import RemitStreaming
import RemitSQLite
import RemitStore
import RemitWebhooks

/// Everything `remit serve` can be told, with documented defaults.
///
/// Keys (command-line option / environment variable):
/// - `--host` (default `127.0.0.1`) and `--port` (default `4242`): where the API listens.
/// - `--data-dir` (default `./.remit`): the SQLite database and the generated admin key live here.
/// - `--database-url` / `REMIT_DATABASE_URL`: `postgres://…` to use PostgreSQL instead of SQLite.
/// - `REMIT_ADMIN_KEY`: the platform (admin) key; if unset one is generated on first start and stored in the data dir.
/// - `REMIT_FINGERPRINT_KEY`: the key of card fingerprints (``FingerprintKey``); if unset one is generated and stored
///   in the data dir. Nodes sharing a PostgreSQL store must share it.
/// - `--sync full|normal` / `REMIT_SQLITE_SYNC`: SQLite durability (see README, Durability).
/// - `--fee` / `REMIT_FEE` (default `2.9%+30`): processing fee per captured charge.
/// - `--api-log-flush-interval` (default `200ms`); the request-log buffer holds 50000 documents.
/// - `--rate-limit` / `REMIT_RATE_LIMIT` (requests per second per key; default: no limit).
/// - `--postgres-connections` (default 24): the PostgreSQL pool size per node.
/// - `--max-connections` / `REMIT_MAX_CONNECTIONS` (default 10000), `REMIT_IDLE_TIMEOUT` (default 30s),
///   `REMIT_REQUEST_READ_TIMEOUT` (default 30s): the HTTP server's own limits (``ServerLimits``).
/// - Webhooks and alerts: see ``RemitConfiguration/applyWebhookEnvironment(_:)``.
public struct RemitConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 4242
    public var dataDirectory = "./.remit"
    public var databaseURL: String?
    public var adminKey: String?
    /// The card fingerprint key (tests inject one); nil reads `REMIT_FINGERPRINT_KEY` or the data directory's.
    public var fingerprintKey: String?
    public var sqliteSynchronous = SQLiteDatabase.Synchronous.normal
    public var fees = FeePolicy()
    public var apiLogFlushInterval: Duration = .milliseconds(200)
    public var apiLogBufferCapacity = 50_000
    /// Stripe keeps idempotency keys at least 24 hours; so do we, then prune.
    public var idempotencyRetention: Duration = .seconds(24 * 3600)
    /// Requests per second allowed per API key; nil (the default) means no limit.
    public var rateLimitPerKey: Int?
    /// Maximum PostgreSQL connections per node.
    public var postgresConnectionsMax = 24
    /// The HTTP server's connection cap and read timeouts.
    public var server = ServerLimits()
    /// Scheduled fraud retraining: weekly incremental (Mondays 03:00 UTC), monthly full (the 1st, 04:00 UTC).
    /// `REMIT_FRAUD_RETRAIN=off` turns it off.
    public var fraudRetraining = true
    /// Global fraud thresholds (Flow 4: block at 0.9, review at 0.7); merchants may have their own.
    public var fraudPolicy = FraudPolicy.standard
    /// Whether this node delivers webhooks (`remit serve --no-webhook-worker` leaves it to other nodes).
    public var webhookWorker = true
    public var webhooks = WebhookWorkerConfiguration()
    /// Outgoing alert sinks besides the log and the `alerts` table.
    public var alertWebhookURL: String?
    public var pagerDutyURL = "https://events.pagerduty.com/v2/enqueue"
    public var pagerDutyRoutingKey: String?
    /// The warehouse (`postgres://…`, a database of its own) or nil for `<data-dir>/warehouse.sqlite`.
    public var warehouseURL: String?
    /// The Parquet lake; nil for `<data-dir>/lake`.
    public var lakeDirectory: String?
    /// The nightly ETL's hour (UTC) in `remit serve`, or nil for none (`REMIT_ETL_HOUR=off`).
    public var etlHour: Int? = 2
    /// The hour (UTC) by which the nightly run must have published (the seed's SLA).
    public var etlDeadlineHour = 6
    /// The pipeline's limits: the share of rows that may be quarantined (`REMIT_ETL_MAX_QUARANTINE`, default 0.01),
    /// the run timeout (`REMIT_ETL_TIMEOUT`, default 4h), the source retries.
    public var etl = EtlPipeline.Configuration()
    /// How long the change capture keeps changes the ETL has published (`REMIT_CDC_RETENTION`, default 7d), or nil to
    /// keep them for ever (`off`). `remit serve` prunes daily; `remit etl prune` prunes now.
    public var changeCaptureRetention: Duration? = .seconds(7 * 86_400)
    /// How long events are kept (`REMIT_EVENT_RETENTION`, default 30d as at Stripe), or nil for ever (`off`).
    public var eventRetention: Duration? = EventRetention.stripeWindow
    /// Whether this node runs the stream processor (`remit serve --no-stream-processor` leaves it to other nodes).
    public var streamProcessor = true
    /// The stream processor's event-time policy, alert minimum and limits (`REMIT_STREAM_*`).
    public var stream = StreamProcessor.Configuration()

    public var lakePath: String { lakeDirectory ?? (dataDirectory as NSString).appendingPathComponent("lake") }

    public init() {}

    /// Applies the `REMIT_*` environment variables that have no command-line value.
    public mutating func applyEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        if databaseURL == nil, let url = environment["REMIT_DATABASE_URL"], !url.isEmpty { databaseURL = url }
        if adminKey == nil, let key = environment["REMIT_ADMIN_KEY"], !key.isEmpty { adminKey = key }
        if fingerprintKey == nil, let key = environment["REMIT_FINGERPRINT_KEY"], !key.isEmpty { fingerprintKey = key }
        if let sync = environment["REMIT_SQLITE_SYNC"], let value = SQLiteDatabase.Synchronous(rawValue: sync.uppercased()) {
            sqliteSynchronous = value
        }
        if rateLimitPerKey == nil, let limit = environment["REMIT_RATE_LIMIT"], !limit.isEmpty {
            guard let value = Int(limit), value > 0 else { throw ConfigurationError("REMIT_RATE_LIMIT must be a positive integer") }
            rateLimitPerKey = value
        }
        if environment["REMIT_FRAUD_RETRAIN"] == "off" { fraudRetraining = false }
        if let block = environment["REMIT_FRAUD_BLOCK_AT"], !block.isEmpty {
            guard let value = Double(block) else { throw ConfigurationError("REMIT_FRAUD_BLOCK_AT must be a number") }
            fraudPolicy.blockThreshold = value
        }
        if let review = environment["REMIT_FRAUD_REVIEW_AT"], !review.isEmpty {
            guard let value = Double(review) else { throw ConfigurationError("REMIT_FRAUD_REVIEW_AT must be a number") }
            fraudPolicy.reviewThreshold = value
        }
        guard 0 < fraudPolicy.reviewThreshold, fraudPolicy.reviewThreshold <= fraudPolicy.blockThreshold,
              fraudPolicy.blockThreshold <= 1
        else { throw ConfigurationError("fraud thresholds must satisfy 0 < review ≤ block ≤ 1") }
        try applyWebhookEnvironment(environment)
        if warehouseURL == nil, let url = environment["REMIT_WAREHOUSE_URL"], !url.isEmpty { warehouseURL = url }
        if lakeDirectory == nil, let path = environment["REMIT_LAKE_DIR"], !path.isEmpty { lakeDirectory = path }
        if let hour = environment["REMIT_ETL_HOUR"], !hour.isEmpty {
            if hour == "off" {
                etlHour = nil
            } else {
                guard let value = Int(hour), (0...23).contains(value) else {
                    throw ConfigurationError("REMIT_ETL_HOUR must be an hour 0…23 or off")
                }
                etlHour = value
            }
        }
        if let rate = environment["REMIT_ETL_MAX_QUARANTINE"], !rate.isEmpty {
            guard let value = Double(rate), (0...1).contains(value) else {
                throw ConfigurationError("REMIT_ETL_MAX_QUARANTINE must be a share between 0 and 1, e.g. 0.01")
            }
            etl.maximumQuarantineRate = value
        }
        if let slice = environment["REMIT_ETL_SLICE"], !slice.isEmpty {
            guard let value = Int(slice), value > 0 else {
                throw ConfigurationError("REMIT_ETL_SLICE must be a positive number of captured changes, e.g. 125000")
            }
            etl.sliceChanges = value
        }
        if let timeout = environment["REMIT_ETL_TIMEOUT"], !timeout.isEmpty {
            guard let value = try? DurationText.parse(timeout), value > .zero else {
                throw ConfigurationError("REMIT_ETL_TIMEOUT must be a duration such as 4h")
            }
            etl.timeout = value
        }
        try applyStreamEnvironment(environment)
        if let retention = try Self.retention(environment, "REMIT_CDC_RETENTION") { changeCaptureRetention = retention }
        if let retention = try Self.retention(environment, "REMIT_EVENT_RETENTION") { eventRetention = retention }
        if let lease = environment["REMIT_ETL_LOCK_LEASE"], !lease.isEmpty {
            guard let value = try? DurationText.parse(lease), value >= .seconds(1) else {
                throw ConfigurationError("REMIT_ETL_LOCK_LEASE must be a duration of at least 1s")
            }
            etl.lockLease = value
        }
        if let connections = environment["REMIT_MAX_CONNECTIONS"], !connections.isEmpty {
            guard let value = Int(connections), value >= 16 else {
                throw ConfigurationError("REMIT_MAX_CONNECTIONS must be a number of connections, at least 16")
            }
            server.connectionsMax = value
        }
        if let value = try Self.timeout(environment, "REMIT_IDLE_TIMEOUT") { server.idleTimeout = value }
        if let value = try Self.timeout(environment, "REMIT_REQUEST_READ_TIMEOUT") { server.requestReadTimeout = value }
        if let fee = environment["REMIT_FEE"] {
            guard let policy = FeePolicy(parsing: fee) else { throw ConfigurationError("REMIT_FEE must look like 2.9%+30") }
            fees = policy
        }
    }

    public var usesPostgres: Bool { databaseURL != nil }

    /// A timeout variable of at least a second, or nil when unset.
    static func timeout(_ environment: [String: String], _ name: String) throws -> Duration? {
        guard let text = environment[name], !text.isEmpty else { return nil }
        guard let value = try? DurationText.parse(text), value >= .seconds(1) else {
            throw ConfigurationError("\(name) must be a duration of at least 1s")
        }
        return value
    }

    /// A retention variable: nil when unset, `.some(nil)` for `off` (keep for ever), else the duration.
    static func retention(_ environment: [String: String], _ name: String) throws -> Duration?? {
        guard let text = environment[name], !text.isEmpty else { return nil }
        if text == "off" { return .some(nil) }
        guard let value = try? DurationText.parse(text), value >= .zero else {
            throw ConfigurationError("\(name) must be a duration such as 7d, or off")
        }
        return .some(value)
    }
}

public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
