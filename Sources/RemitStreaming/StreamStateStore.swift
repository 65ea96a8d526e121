import Foundation
import RemitSQL
import RemitStore
import StreamEngine

/// The processor's reads and writes of the warehouse. Everything a batch produces — sink rows, the open windows'
/// new parts, the closed windows' parts removed, checkpoints, quarantined documents, alert transitions — commits in
/// one transaction fenced by the partitions' leases, so a window's row is written once even across crashes and
/// takeovers (at-least-once input, idempotent upserts).
struct StreamStateStore: Sendable {
    struct LeaseLost: Error, CustomStringConvertible {
        let partitions: [Int]
        var description: String { "partitions \(partitions) are no longer leased to this processor" }
    }

    /// What one commit writes.
    struct Commit: Sendable {
        var checkpoints: [(partition: Int, position: FeedPosition, state: String)] = []
        var rows: [WindowRow] = []
        var parts: [(partition: Int, delta: StreamEngine.DurableDelta)] = []
        var closedWindows: [(partition: Int, source: String, query: String, windowEnd: Int64)] = []
        var quarantine: [(position: FeedPosition, logID: String, reason: String, document: String)] = []
        var transitions: [(source: String, transition: ErrorRateAlertRule.Transition)] = []
    }

    let warehouse: any SQLDatabase
    let sinks: [StreamSink]

    func migrate() async throws {
        try await Migrator.migrate(warehouse, StreamSchema.migrations, ledger: StreamSchema.ledger)
    }

    /// A partition's checkpoint and the parts of its open windows, in the order they were written.
    func load(partition: Int) async throws -> (position: FeedPosition, checkpoint: PartitionCheckpoint,
                                               parts: [StreamEngine.DurableDelta]) {
        try await warehouse.read { connection in
            let row = try await connection.queryFirst(
                "SELECT lsn, seq, state FROM stream_checkpoint WHERE partition_id = \(Int64(partition))")
            let position = row.map { FeedPosition(lsn: $0.int("lsn"), sequence: $0.int("seq")) } ?? FeedPosition(lsn: 0, sequence: 0)
            let checkpoint = try row.map { try PartitionCheckpoint.decode($0.string("state")) } ?? PartitionCheckpoint()
            let parts = try await connection.query("""
                SELECT source, query, window_end_ms, merchant_id, endpoint, requests, errors, latencies
                FROM stream_window_parts WHERE partition_id = \(Int64(partition)) ORDER BY part
                """).map { row -> StreamEngine.DurableDelta in
                let bytes: [UInt8] = if case .blob(let bytes) = row["latencies"] { bytes } else { [] }
                return StreamEngine.DurableDelta(
                    source: row.string("source"), query: row.string("query"), windowEnd: row.int("window_end_ms"),
                    merchant: row.optionalString("merchant_id"), endpoint: row.optionalString("endpoint"),
                    delta: .init(count: row.int("requests"), serverErrors: row.int("errors"),
                                 latencies: GroupAccumulator.Delta.latencies(from: bytes)))
            }
            return (position, checkpoint, parts)
        }
    }

    /// The next part number (parts restore in this order).
    func nextPart() async throws -> Int64 {
        try await warehouse.read { connection in
            (try await connection.queryFirst("SELECT COALESCE(MAX(part), 0) AS n FROM stream_window_parts")?.int("n") ?? 0) + 1
        }
    }

    func write(_ commit: Commit, part: Int64, owner: String, leaseUntil: Int64, now: Int64) async throws {
        let sinks = self.sinks
        try await warehouse.write { connection in
            let partitions = Set(commit.checkpoints.map(\.partition)).sorted()
            if !partitions.isEmpty {
                let renewed = try await connection.execute("""
                    UPDATE stream_leases SET until_ms = \(leaseUntil)
                    WHERE owner = \(owner) AND partition_id IN (\(sql: SQL.join(partitions.map { "\(Int64($0))" }, separator: ", ")))
                    """)
                guard renewed == partitions.count else { throw LeaseLost(partitions: partitions) }
            }
            for sink in sinks {
                let rows = commit.rows.filter { $0.query == sink.query.name }
                if !rows.isEmpty { try await sink.upsert(rows, emittedMs: now, on: connection) }
            }
            for closed in commit.closedWindows {
                try await connection.execute("""
                    DELETE FROM stream_window_parts WHERE partition_id = \(Int64(closed.partition)) AND source = \(closed.source)
                      AND query = \(closed.query) AND window_end_ms = \(closed.windowEnd)
                    """)
            }
            var start = 0
            while start < commit.parts.count {
                let chunk = commit.parts[start..<min(start + 200, commit.parts.count)]
                let values = SQL.join(chunk.map { item -> SQL in
                    let delta = item.delta
                    return """
                        (\(Int64(item.partition)), \(delta.source), \(delta.query), \(delta.windowEnd), \(delta.merchant), \
                        \(delta.endpoint), \(part), \(delta.delta.count), \(delta.delta.serverErrors), \
                        \(SQLValue.blob(delta.delta.latencyBytes)))
                        """
                }, separator: ", ")
                try await connection.execute("""
                    INSERT INTO stream_window_parts (partition_id, source, query, window_end_ms, merchant_id, endpoint, part,
                        requests, errors, latencies) VALUES \(sql: values)
                    """)
                start += 200
            }
            for item in commit.quarantine {
                try await connection.execute("""
                    INSERT INTO stream_quarantine (lsn, seq, log_id, reason, document)
                    VALUES (\(item.position.lsn), \(item.position.sequence), \(item.logID), \(item.reason), \(item.document))
                    ON CONFLICT (lsn, seq) DO NOTHING
                    """)
            }
            for (source, transition) in commit.transitions {
                try await Self.record(transition, source: source, now: now, on: connection)
            }
            for checkpoint in commit.checkpoints {
                try await connection.execute("""
                    INSERT INTO stream_checkpoint (partition_id, lsn, seq, state, updated_ms)
                    VALUES (\(Int64(checkpoint.partition)), \(checkpoint.position.lsn), \(checkpoint.position.sequence),
                            \(checkpoint.state), \(now))
                    ON CONFLICT (partition_id) DO UPDATE SET lsn = excluded.lsn, seq = excluded.seq, state = excluded.state,
                        updated_ms = excluded.updated_ms
                    """)
            }
        }
    }

    static func alertKey(source: String, merchant: String, firstBreachEnd: Int64) -> String {
        "\(source)|\(merchant)|\(firstBreachEnd)"
    }

    static func record(_ transition: ErrorRateAlertRule.Transition, source: String, now: Int64,
                       on connection: any SQLConnection) async throws {
        switch transition {
        case let .fired(merchant, first, end, rate, requests):
            try await connection.execute("""
                INSERT INTO stream_alerts (alert_key, merchant_id, source, state, first_breach_end_ms, fired_window_end_ms,
                    resolved_window_end_ms, error_rate, requests, fire_notified, resolve_notified, updated_ms)
                VALUES (\(alertKey(source: source, merchant: merchant, firstBreachEnd: first)), \(merchant), \(source), 'firing',
                    \(first), \(end), NULL, \(rate), \(requests), 0, 0, \(now))
                ON CONFLICT (alert_key) DO NOTHING
                """)
        case let .resolved(merchant, first, end):
            try await connection.execute("""
                UPDATE stream_alerts SET state = 'resolved', resolved_window_end_ms = \(end), updated_ms = \(now)
                WHERE alert_key = \(alertKey(source: source, merchant: merchant, firstBreachEnd: first))
                """)
        }
    }

    /// Alert rows whose firing or resolution has not been notified yet.
    func pendingNotifications() async throws -> [SQLRow] {
        try await warehouse.read { connection in
            try await connection.query("""
                SELECT * FROM stream_alerts WHERE fire_notified = 0 OR (state = 'resolved' AND resolve_notified = 0)
                ORDER BY updated_ms, alert_key
                """)
        }
    }

    func markNotified(_ key: String, resolution: Bool) async throws {
        _ = try await warehouse.write { connection in
            try await connection.execute(resolution
                ? "UPDATE stream_alerts SET fire_notified = 1, resolve_notified = 1 WHERE alert_key = \(key)"
                : "UPDATE stream_alerts SET fire_notified = 1 WHERE alert_key = \(key)")
        }
    }
}
