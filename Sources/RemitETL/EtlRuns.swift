import RemitSQL

/// The run log in the warehouse (`etl_run`) and the warehouse reads a run needs before its load transaction.
struct EtlRuns: Sendable {
    let warehouse: any SQLDatabase

    /// Where the next run starts: the LSN the last published run reached.
    func lastPublishedLSN() async throws -> Int64 {
        try await warehouse.read { connection in
            try await connection.queryFirst(
                "SELECT COALESCE(MAX(to_lsn), 0) AS lsn FROM etl_run WHERE status = 'published'")?.int("lsn") ?? 0
        }
    }

    func start(_ report: EtlRunReport, at time: String) async throws {
        _ = try await warehouse.write { connection in
            try await connection.execute("""
                INSERT INTO etl_run (run_id, logical_date, from_lsn, to_lsn, status, started_at)
                VALUES (\(report.runID), \(report.logicalDate), \(report.fromLSN), \(report.toLSN), 'running', \(time))
                """)
        }
    }

    /// The end of the run's range, once the source's horizon is known.
    func setRange(_ runID: String, to: Int64) async throws {
        _ = try await warehouse.write { connection in
            try await connection.execute("UPDATE etl_run SET to_lsn = \(to) WHERE run_id = \(runID)")
        }
    }

    /// Marks the run published inside the load transaction: the run's data and its status commit together.
    static func publish(_ runID: String, quarantined: Int, at time: String, on connection: any SQLConnection) async throws {
        try await connection.execute("""
            UPDATE etl_run SET status = 'published', finished_at = \(time), quarantined = \(Int64(quarantined))
            WHERE run_id = \(runID)
            """)
    }

    /// Records the outcome and the report of a run (published, failed or timed out).
    func finish(_ report: EtlRunReport, at time: String) async throws {
        _ = try await warehouse.write { connection in
            try await connection.execute("""
                UPDATE etl_run SET status = \(report.status), finished_at = COALESCE(finished_at, \(time)),
                    report = \(report.json), quarantined = \(Int64(report.quarantined)),
                    error = \(report.status == "published" ? nil : (report.error ?? report.failedChecks.map(\.name).joined(separator: ", ")))
                WHERE run_id = \(report.runID)
                """)
        }
    }

    /// Refreshes the planner's statistics (the seed's UPDATE STATISTICS).
    func analyze() async throws {
        if warehouse.dialect == .sqlite {
            // Statistics from a sample of each index (as `PRAGMA optimize` takes them), not a read of the whole
            // warehouse: 6.4 s after 10M payments, and growing with every night.
            _ = try await warehouse.write { connection in
                try await connection.execute("PRAGMA analysis_limit = 1000")
                return try await connection.execute("ANALYZE")
            }
        } else {
            try await warehouse.read { connection in _ = try await connection.execute("ANALYZE") }
        }
    }

    /// The amounts of charges loaded by earlier runs, and the refunds already loaded for them (less `refunds`,
    /// which this run reloads).
    func knownCharges(_ charges: Set<String>, refunds: [String]) async throws -> QualityRules.KnownCharges {
        try await warehouse.read { connection in try await Self.knownCharges(charges, refunds: refunds, on: connection) }
    }

    /// ``knownCharges(_:refunds:)`` on a connection: inside a run's warehouse transaction, the charges its earlier
    /// slices loaded count as known.
    static func knownCharges(_ charges: Set<String>, refunds: [String],
                             on connection: any SQLConnection) async throws -> QualityRules.KnownCharges {
        var known = QualityRules.KnownCharges()
        let ids = charges.sorted()
        let reloaded = Set(refunds)
        for chunk in stride(from: 0, to: ids.count, by: 500) {
            let slice = SQL.join(ids[chunk..<min(chunk + 500, ids.count)].map { "\($0)" }, separator: ", ")
            let payments = try await connection.query(
                "SELECT payment_id, amount, currency FROM fact_payment WHERE payment_id IN (\(sql: slice))")
            let loadedRefunds = try await connection.query("""
                SELECT refund_id, payment_id, amount FROM fact_refund WHERE payment_id IN (\(sql: slice))
                  AND status NOT IN ('failed', 'canceled')
                """)
            for row in payments { known.charges[row.string("payment_id")] = (row.int("amount"), row.string("currency")) }
            for row in loadedRefunds where !reloaded.contains(row.string("refund_id")) {
                known.refunded[row.string("payment_id"), default: 0] += row.int("amount")
            }
        }
        return known
    }
}
