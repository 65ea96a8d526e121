import Foundation
import RemitSQL

/// One ETL run at a time across nodes and commands: a lease on one warehouse row. A run that dies keeps the lease
/// until it expires (the run timeout plus a margin), then another run may take it.
struct EtlLock: Sendable {
    let warehouse: any SQLDatabase

    func acquire(_ runID: String, lease: Duration) async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let until = now + lease.components.seconds * 1000
        let taken = try await warehouse.write { connection in
            try await connection.execute("""
                UPDATE etl_lock SET holder = \(runID), until_ms = \(until) WHERE id = 1 AND (holder IS NULL OR until_ms < \(now))
                """)
        }
        guard taken == 1 else {
            let holder = try await warehouse.read { connection in
                try await connection.queryFirst("SELECT holder FROM etl_lock WHERE id = 1")?.optionalString("holder")
            }
            throw EtlPipeline.Busy(holder: holder ?? "unknown")
        }
    }

    func release(_ runID: String) async throws {
        _ = try await warehouse.write { connection in
            try await connection.execute("UPDATE etl_lock SET holder = NULL, until_ms = 0 WHERE id = 1 AND holder = \(runID)")
        }
    }
}
