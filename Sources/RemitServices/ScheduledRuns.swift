import RemitCore
import RemitSQL

/// At-most-once runs of periodic jobs across nodes: a node claims a (job, period) row before running it; the
/// primary key makes the claim exclusive on both engines, and the row keeps the outcome.
public struct ScheduledRuns: Sendable {
    public let database: any SQLDatabase

    public init(database: any SQLDatabase) { self.database = database }

    /// True when this node got the run.
    public func claim(job: String, period: String, node: String, now: Int64) async throws -> Bool {
        try await database.write { connection in
            try await connection.execute("""
                INSERT INTO scheduled_runs (job, period, node, started) VALUES (\(job), \(period), \(node), \(now))
                ON CONFLICT (job, period) DO NOTHING
                """) == 1
        }
    }

    public func finish(job: String, period: String, now: Int64, outcome: String) async throws {
        _ = try await database.write { connection in
            try await connection.execute("""
                UPDATE scheduled_runs SET finished = \(now), outcome = \(outcome) WHERE job = \(job) AND period = \(period)
                """)
        }
    }

    public struct Run: Sendable {
        public var job: String
        public var period: String
        public var node: String
        public var started: Int64
        public var finished: Int64?
        public var outcome: String?
    }

    public func recent(limit: Int = 20) async throws -> [Run] {
        try await database.read { connection in
            try await connection.query("SELECT * FROM scheduled_runs ORDER BY started DESC LIMIT \(limit)").map {
                Run(job: $0.string("job"), period: $0.string("period"), node: $0.string("node"), started: $0.int("started"),
                    finished: $0.optionalInt("finished"), outcome: $0.optionalString("outcome"))
            }
        }
    }
}
