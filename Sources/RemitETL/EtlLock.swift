import Foundation
import RemitSQL

/// One ETL run at a time across nodes and commands: a lease on one warehouse row, renewed while the run lives. A
/// run that dies keeps it until it lapses; the next run then takes it over and marks the dead run `abandoned`.
struct EtlLock: Sendable {
    struct Lost: Error, CustomStringConvertible {
        let runID: String
        var description: String { "run \(runID) lost its hold on the warehouse (its lease lapsed and another run took it)" }
    }

    let warehouse: any SQLDatabase

    func acquire(_ runID: String, lease: Duration) async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let until = now + lease.components.seconds * 1000 + lease.components.attoseconds / 1_000_000_000_000_000
        let taken = try await warehouse.write { connection in
            let previous = try await connection.queryFirst("SELECT holder FROM etl_lock WHERE id = 1 AND until_ms < \(now)")?
                .optionalString("holder")
            let taken = try await connection.execute("""
                UPDATE etl_lock SET holder = \(runID), until_ms = \(until) WHERE id = 1 AND (holder IS NULL OR until_ms < \(now))
                """)
            if taken == 1, let previous {
                try await connection.execute("""
                    UPDATE etl_run SET status = 'abandoned', error = 'the run stopped without finishing (its lease lapsed)'
                    WHERE run_id = \(previous) AND status = 'running'
                    """)
            }
            return taken
        }
        guard taken == 1 else {
            let holder = try await warehouse.read { connection in
                try await connection.queryFirst("SELECT holder FROM etl_lock WHERE id = 1")?.optionalString("holder")
            }
            throw EtlPipeline.Busy(holder: holder ?? "unknown")
        }
    }

    func renew(_ runID: String, lease: Duration) async throws {
        let until = Int64(Date().timeIntervalSince1970 * 1000) + lease.components.seconds * 1000
            + lease.components.attoseconds / 1_000_000_000_000_000
        let renewed = try await warehouse.write { connection in
            try await connection.execute("UPDATE etl_lock SET until_ms = \(until) WHERE id = 1 AND holder = \(runID)")
        }
        guard renewed == 1 else { throw Lost(runID: runID) }
    }

    /// Inside the load transaction: the run still holds the warehouse.
    static func confirm(_ runID: String, on connection: any SQLConnection) async throws {
        let held = try await connection.queryFirst("SELECT holder FROM etl_lock WHERE id = 1")?.optionalString("holder")
        guard held == runID else { throw Lost(runID: runID) }
    }

    func release(_ runID: String) async throws {
        _ = try await warehouse.write { connection in
            try await connection.execute("UPDATE etl_lock SET holder = NULL, until_ms = 0 WHERE id = 1 AND holder = \(runID)")
        }
    }
}
