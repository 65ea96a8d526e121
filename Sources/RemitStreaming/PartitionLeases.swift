import RemitSQL
import RemitStore

/// Which processor counts which partitions of the request log (several `remit` nodes on one PostgreSQL): each
/// partition is leased to one processor for `duration`, renewed at every commit and every rebalance. A processor
/// claims free or expired partitions up to its fair share (partitions ÷ live processors, rounded up); one holding
/// more gives the extra back after its next commit. A dead processor's partitions expire and are taken over.
struct PartitionLeases: Sendable {
    let warehouse: any SQLDatabase
    let node: String
    let duration: Duration

    var durationMs: Int64 { duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000 }

    /// Makes sure every partition has a lease row.
    func prepare() async throws {
        _ = try await warehouse.write { connection in
            for partition in 0..<APILogPartitions.count {
                try await connection.execute("""
                    INSERT INTO stream_leases (partition_id, owner, until_ms) VALUES (\(Int64(partition)), NULL, 0)
                    ON CONFLICT (partition_id) DO NOTHING
                    """)
            }
        }
    }

    /// Renews what this node holds, claims up to its fair share, and says which partitions it should give back.
    func rebalance(now: Int64) async throws -> (owned: Set<Int>, surplus: [Int]) {
        let (node, until, durationMs) = (self.node, now + self.durationMs, self.durationMs)
        return try await warehouse.write { connection in
            // A node is alive as long as its own lease duration after it last rebalanced (a node that stopped
            // without leaving stops counting when its leases would have lapsed).
            try await connection.execute("""
                INSERT INTO stream_nodes (node, alive_until_ms) VALUES (\(node), \(until))
                ON CONFLICT (node) DO UPDATE SET alive_until_ms = excluded.alive_until_ms
                """)
            try await connection.execute("DELETE FROM stream_nodes WHERE alive_until_ms < \(now - 10 * durationMs)")
            let live = try await connection.queryFirst(
                "SELECT count(*) AS n FROM stream_nodes WHERE alive_until_ms >= \(now)")?.int("n") ?? 1
            let share = (APILogPartitions.count + Int(max(live, 1)) - 1) / Int(max(live, 1))
            try await connection.execute("UPDATE stream_leases SET until_ms = \(until) WHERE owner = \(node)")
            var owned = Set(try await connection.query("SELECT partition_id FROM stream_leases WHERE owner = \(node)")
                .map { Int($0.int("partition_id")) })
            if owned.count < share {
                let free = try await connection.query("""
                    SELECT partition_id FROM stream_leases WHERE owner IS NULL OR until_ms < \(now) ORDER BY partition_id
                    """).map { Int($0.int("partition_id")) }
                for partition in free.prefix(share - owned.count) {
                    let taken = try await connection.execute("""
                        UPDATE stream_leases SET owner = \(node), until_ms = \(until)
                        WHERE partition_id = \(Int64(partition)) AND (owner IS NULL OR until_ms < \(now))
                        """)
                    if taken == 1 { owned.insert(partition) }
                }
            }
            let surplus = owned.count > share ? Array(owned.sorted().suffix(owned.count - share)) : []
            return (owned, surplus)
        }
    }

    /// Gives partitions back (after their state was committed).
    func release(_ partitions: [Int]) async throws {
        guard !partitions.isEmpty else { return }
        let node = self.node
        _ = try await warehouse.write { connection in
            try await connection.execute("""
                UPDATE stream_leases SET owner = NULL, until_ms = 0
                WHERE owner = \(node) AND partition_id IN (\(sql: SQL.join(partitions.map { "\(Int64($0))" }, separator: ", ")))
                """)
        }
    }

    /// Leaves: gives every partition back and forgets the node (a graceful shutdown hands over at once).
    func leave() async throws {
        let node = self.node
        _ = try await warehouse.write { connection in
            try await connection.execute("UPDATE stream_leases SET owner = NULL, until_ms = 0 WHERE owner = \(node)")
            try await connection.execute("DELETE FROM stream_nodes WHERE node = \(node)")
        }
    }
}
