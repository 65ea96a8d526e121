import RemitSQL

/// Checks the ledger's invariants; `remit verify` prints the report and fails on any problem.
public struct LedgerVerifier: Sendable {
    public struct Report: Sendable {
        public var accountsChecked = 0
        public var balancesChecked = 0
        public var chargesChecked = 0
        public var problems: [String] = []
        public var isConsistent: Bool { problems.isEmpty }
    }

    let database: any SQLDatabase

    public init(database: any SQLDatabase) { self.database = database }

    /// Runs every ``LedgerInvariant`` on one snapshot of the store: SQLite's read transaction; on PostgreSQL a
    /// read-only `REPEATABLE READ` transaction, so checks across tables agree while traffic runs.
    public func verify() async throws -> Report {
        switch database.dialect {
        case .sqlite:
            return try await database.read { connection in try await Self.check(on: connection) }
        case .postgres:
            return try await database.write { connection in
                try await connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                return try await Self.check(on: connection)
            }
        }
    }

    static func check(on connection: any SQLConnection) async throws -> Report {
        var report = Report()
        report.accountsChecked = Int(try await connection.queryFirst("SELECT COUNT(*) AS n FROM accounts")?.int("n") ?? 0)
        report.chargesChecked = Int(try await connection.queryFirst("SELECT COUNT(*) AS n FROM charges")?.int("n") ?? 0)
        report.balancesChecked = Int(try await connection.queryFirst(
            "SELECT COUNT(DISTINCT account_id || ':' || currency) AS n FROM balances")?.int("n") ?? 0)
        let eventsSince = try await EventRetention.prunedBefore(on: connection)
        for invariant in LedgerInvariant.all {
            for row in try await connection.query(invariant.query(eventsSince)) {
                report.problems.append(invariant.problem(row))
            }
        }
        return report
    }
}
