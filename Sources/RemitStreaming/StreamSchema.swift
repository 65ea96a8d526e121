import RemitSQL

/// The stream processor's tables, in the warehouse beside the star schema (their own migration ledger,
/// `stream_schema_migrations`): the realtime facts, and the processor's durable state — checkpoints, the open
/// windows' parts, partition leases, alert states, quarantined documents. Results and state commit in one
/// transaction of one database: SQLite cannot commit atomically across two files in WAL mode.
public enum StreamSchema {
    public static let ledger = "stream_schema_migrations"

    public static let migrations: [Migration] = [
        Migration(id: 1, name: "realtime facts and processor state") { dialect in
            let real = "DOUBLE PRECISION"
            let blob = dialect == .postgres ? "BYTEA" : "BLOB"
            return [
                // The seed's Fact_API_Performance_Realtime, with its column names. `window_end` is UTC ISO-8601 text
                // (`window_end_ms` the same instant in milliseconds); '' stands for no merchant.
                """
                CREATE TABLE fact_api_performance_realtime (
                    window_end TEXT NOT NULL, merchant_id TEXT NOT NULL, endpoint TEXT NOT NULL,
                    request_count BIGINT NOT NULL, avg_latency \(real), p99_latency \(real), error_count BIGINT NOT NULL,
                    window_end_ms BIGINT NOT NULL, source TEXT NOT NULL, emitted_ms BIGINT NOT NULL,
                    PRIMARY KEY (window_end, merchant_id, endpoint)
                )
                """,
                "CREATE INDEX fact_api_performance_realtime_time ON fact_api_performance_realtime (window_end_ms)",
                """
                CREATE TABLE fact_merchant_errors_realtime (
                    window_end TEXT NOT NULL, merchant_id TEXT NOT NULL, total_requests BIGINT NOT NULL,
                    error_count BIGINT NOT NULL, error_rate \(real), breach INTEGER NOT NULL,
                    window_end_ms BIGINT NOT NULL, source TEXT NOT NULL, emitted_ms BIGINT NOT NULL,
                    PRIMARY KEY (window_end, merchant_id)
                )
                """,
                "CREATE INDEX fact_merchant_errors_realtime_time ON fact_merchant_errors_realtime (window_end_ms)",
                // Per partition: how far the feed was consumed, and each source's watermark and alert streaks (JSON).
                """
                CREATE TABLE stream_checkpoint (
                    partition_id INTEGER PRIMARY KEY, lsn BIGINT NOT NULL, seq BIGINT NOT NULL, state TEXT NOT NULL,
                    updated_ms BIGINT NOT NULL
                )
                """,
                // The open windows' contents, one part per group per checkpoint; deleted when the window closes.
                """
                CREATE TABLE stream_window_parts (
                    partition_id INTEGER NOT NULL, source TEXT NOT NULL, query TEXT NOT NULL, window_end_ms BIGINT NOT NULL,
                    merchant_id TEXT, endpoint TEXT, part BIGINT NOT NULL, requests BIGINT NOT NULL, errors BIGINT NOT NULL,
                    latencies \(blob) NOT NULL
                )
                """,
                "CREATE INDEX stream_window_parts_partition ON stream_window_parts (partition_id, part)",
                "CREATE INDEX stream_window_parts_window ON stream_window_parts (partition_id, source, query, window_end_ms)",
                // Who processes which partition, until when; and which processors are alive.
                "CREATE TABLE stream_leases (partition_id INTEGER PRIMARY KEY, owner TEXT, until_ms BIGINT NOT NULL)",
                "CREATE TABLE stream_nodes (node TEXT PRIMARY KEY, alive_until_ms BIGINT NOT NULL)",
                // The error-rate alerts: one row per streak, with what was notified (an outbox: delivered after commit,
                // again after a crash).
                """
                CREATE TABLE stream_alerts (
                    alert_key TEXT PRIMARY KEY, merchant_id TEXT NOT NULL, source TEXT NOT NULL, state TEXT NOT NULL,
                    first_breach_end_ms BIGINT NOT NULL, fired_window_end_ms BIGINT NOT NULL, resolved_window_end_ms BIGINT,
                    error_rate \(real) NOT NULL, requests BIGINT NOT NULL, fire_notified INTEGER NOT NULL,
                    resolve_notified INTEGER NOT NULL, updated_ms BIGINT NOT NULL
                )
                """,
                // Documents that could not be converted (a timestamp that does not parse, a latency that is no number).
                """
                CREATE TABLE stream_quarantine (
                    lsn BIGINT NOT NULL, seq BIGINT NOT NULL, log_id TEXT NOT NULL, reason TEXT NOT NULL, document TEXT NOT NULL,
                    PRIMARY KEY (lsn, seq)
                )
                """,
            ]
        },
        // The API dashboard reads the last 24 hours grouped by (window, endpoint): with every column it reads in the
        // index, in that order, the scan needs neither the table nor a sort. It leads with window_end_ms, so it
        // serves the time-range reads the single-column index served.
        Migration(id: 2, name: "covering index for the API dashboard") { _ in
            [
                """
                CREATE INDEX fact_api_performance_realtime_window_endpoint ON fact_api_performance_realtime
                    (window_end_ms, endpoint, merchant_id, request_count, error_count, p99_latency, avg_latency)
                """,
                "DROP INDEX fact_api_performance_realtime_time",
            ]
        },
        // A window's row is one source's: live traffic and an import (or two imports) with the same window and group
        // are two rows. Keyed without the source, the later one overwrote the other. Both tables are rebuilt (SQLite
        // cannot change a primary key in place), their rows kept.
        Migration(id: 3, name: "realtime facts keyed by source") { dialect in
            let real = "DOUBLE PRECISION"
            return [
                """
                CREATE TABLE fact_api_performance_realtime_by_source (
                    window_end TEXT NOT NULL, merchant_id TEXT NOT NULL, endpoint TEXT NOT NULL, source TEXT NOT NULL,
                    request_count BIGINT NOT NULL, avg_latency \(real), p99_latency \(real), error_count BIGINT NOT NULL,
                    window_end_ms BIGINT NOT NULL, emitted_ms BIGINT NOT NULL,
                    PRIMARY KEY (window_end, merchant_id, endpoint, source)
                )
                """,
                """
                INSERT INTO fact_api_performance_realtime_by_source (window_end, merchant_id, endpoint, source, request_count,
                    avg_latency, p99_latency, error_count, window_end_ms, emitted_ms)
                SELECT window_end, merchant_id, endpoint, source, request_count, avg_latency, p99_latency, error_count,
                    window_end_ms, emitted_ms FROM fact_api_performance_realtime
                """,
                "DROP TABLE fact_api_performance_realtime",
                "ALTER TABLE fact_api_performance_realtime_by_source RENAME TO fact_api_performance_realtime",
                """
                CREATE INDEX fact_api_performance_realtime_window_endpoint ON fact_api_performance_realtime
                    (window_end_ms, endpoint, merchant_id, request_count, error_count, p99_latency, avg_latency)
                """,
                """
                CREATE TABLE fact_merchant_errors_realtime_by_source (
                    window_end TEXT NOT NULL, merchant_id TEXT NOT NULL, source TEXT NOT NULL, total_requests BIGINT NOT NULL,
                    error_count BIGINT NOT NULL, error_rate \(real), breach INTEGER NOT NULL,
                    window_end_ms BIGINT NOT NULL, emitted_ms BIGINT NOT NULL,
                    PRIMARY KEY (window_end, merchant_id, source)
                )
                """,
                """
                INSERT INTO fact_merchant_errors_realtime_by_source (window_end, merchant_id, source, total_requests,
                    error_count, error_rate, breach, window_end_ms, emitted_ms)
                SELECT window_end, merchant_id, source, total_requests, error_count, error_rate, breach, window_end_ms,
                    emitted_ms FROM fact_merchant_errors_realtime
                """,
                "DROP TABLE fact_merchant_errors_realtime",
                "ALTER TABLE fact_merchant_errors_realtime_by_source RENAME TO fact_merchant_errors_realtime",
                "CREATE INDEX fact_merchant_errors_realtime_time ON fact_merchant_errors_realtime (window_end_ms)",
            ] + (dialect == .postgres ? [
                // The renamed tables' keys keep the names they were created with; give them their tables' names.
                "ALTER INDEX fact_api_performance_realtime_by_source_pkey RENAME TO fact_api_performance_realtime_pkey",
                "ALTER INDEX fact_merchant_errors_realtime_by_source_pkey RENAME TO fact_merchant_errors_realtime_pkey",
            ] : [])
        },
    ]
}
