import RemitCore
import RemitSQL
import RemitStore

/// The webhook dashboard's figures (the seed's, plus queue health), computed from the tables.
public struct WebhookStats: Sendable {
    public var sentToday: Int64 = 0
    public var firstAttemptSuccessRate: Double?
    public var finalSuccessRate: Double?
    public var deliveryMilliseconds: (average: Double, p50: Int64, p95: Int64, p99: Int64)?
    public var inRetry: Int64 = 0
    public var dead: Int64 = 0
    public var queueDepth: Int64 = 0
    public var oldestDueAgeMilliseconds: Int64 = 0
    public var disabledEndpoints: [(id: String, accountID: String, reason: String?)] = []
    /// Per endpoint over the last hour: attempts and successes.
    public var endpoints: [(id: String, accountID: String, attempts: Int64, succeeded: Int64)] = []

    /// Measures at `now` (ms); "today" is the UTC day of `now`, rates and times cover the last 24 hours.
    /// At most `sampleMax` delivered deliveries feed the percentiles (the most recent ones).
    public static func measure(_ database: any SQLDatabase, now: UnixMilliseconds, sampleMax: Int = 200_000) async throws -> WebhookStats {
        let dayStart = now.startOfUTCDay
        let dayAgo = now - .seconds(86_400)
        return try await database.read { connection in
            var stats = WebhookStats()
            stats.sentToday = try await connection.queryFirst("""
                SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'succeeded' AND delivered_at >= \(dayStart)
                """)?.int("n") ?? 0
            if let first = try await connection.queryFirst("""
                SELECT count(*) AS n, sum(succeeded) AS ok FROM webhook_attempts WHERE attempt = 1 AND started_ms >= \(dayAgo)
                """), first.int("n") > 0 {
                stats.firstAttemptSuccessRate = Double(first.int("ok")) / Double(first.int("n"))
            }
            if let final = try await connection.queryFirst("""
                SELECT sum(CASE WHEN status = 'succeeded' THEN 1 ELSE 0 END) AS ok, count(*) AS n FROM webhook_deliveries
                WHERE created_ms >= \(dayAgo) AND status IN ('succeeded', 'dead')
                """), final.int("n") > 0 {
                stats.finalSuccessRate = Double(final.int("ok")) / Double(final.int("n"))
            }
            let times = try await connection.query("""
                SELECT delivered_at - created_ms AS ms FROM webhook_deliveries
                WHERE status = 'succeeded' AND delivered_at >= \(dayAgo) ORDER BY delivered_at DESC LIMIT \(sampleMax)
                """).map { $0.int("ms") }.sorted()
            if !times.isEmpty {
                func rank(_ q: Double) -> Int64 { times[min(times.count - 1, Int((q * Double(times.count)).rounded(.up)) - 1)] }
                stats.deliveryMilliseconds = (Double(times.reduce(0, +)) / Double(times.count), rank(0.5), rank(0.95), rank(0.99))
            }
            let queue = try await connection.queryFirst("""
                SELECT sum(CASE WHEN attempt_count > 0 THEN 1 ELSE 0 END) AS retrying, count(*) AS depth,
                    min(CASE WHEN next_attempt_at <= \(now) THEN next_attempt_at END) AS oldest_due
                FROM webhook_deliveries WHERE status IN ('pending', 'delivering')
                """)
            stats.inRetry = queue?.optionalInt("retrying") ?? 0
            stats.queueDepth = queue?.int("depth") ?? 0
            stats.oldestDueAgeMilliseconds = queue?.optionalInt("oldest_due").map { now.value - $0 } ?? 0
            stats.dead = try await connection.queryFirst(
                "SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'dead'")?.int("n") ?? 0
            stats.disabledEndpoints = try await connection.query("""
                SELECT id, account_id, disabled_reason FROM webhook_endpoints WHERE status = 'disabled' AND deleted = 0
                ORDER BY seq
                """).map { ($0.string("id"), $0.string("account_id"), $0.optionalString("disabled_reason")) }
            stats.endpoints = try await connection.query("""
                SELECT endpoint_id, account_id, count(*) AS n, sum(succeeded) AS ok FROM webhook_attempts
                WHERE started_ms >= \(now - .seconds(3_600)) GROUP BY endpoint_id, account_id ORDER BY endpoint_id
                """).map { ($0.string("endpoint_id"), $0.string("account_id"), $0.int("n"), $0.int("ok")) }
            return stats
        }
    }

    public var json: JSONValue {
        func rate(_ value: Double?) -> JSONValue { value.map { .double($0) } ?? .null }
        return .object([
            ("object", .string("webhook_stats")), ("sent_today", .int(sentToday)),
            ("first_attempt_success_rate", rate(firstAttemptSuccessRate)), ("final_success_rate", rate(finalSuccessRate)),
            ("delivery_time_ms", deliveryMilliseconds.map {
                .object([("average", .double($0.average)), ("p50", .int($0.p50)), ("p95", .int($0.p95)), ("p99", .int($0.p99))])
            } ?? .null),
            ("in_retry", .int(inRetry)), ("dead", .int(dead)), ("queue_depth", .int(queueDepth)),
            ("oldest_due_age_ms", .int(oldestDueAgeMilliseconds)),
            ("disabled_endpoints", .array(disabledEndpoints.map {
                .object([("id", .string($0.id)), ("account", .string($0.accountID)), ("reason", .optional($0.reason))])
            })),
            ("endpoints_last_hour", .array(endpoints.map {
                .object([("id", .string($0.id)), ("account", .string($0.accountID)), ("attempts", .int($0.attempts)),
                         ("succeeded", .int($0.succeeded)),
                         ("success_rate", .double($0.attempts == 0 ? 1 : Double($0.succeeded) / Double($0.attempts)))])
            })),
        ])
    }
}
