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

    public func verify() async throws -> Report {
        try await database.read { connection in
            var report = Report()
            report.accountsChecked = Int(try await connection.queryFirst("SELECT COUNT(*) AS n FROM accounts")?.int("n") ?? 0)
            report.chargesChecked = Int(try await connection.queryFirst("SELECT COUNT(*) AS n FROM charges")?.int("n") ?? 0)
            // 1. Every balance equals the sum of its balance transactions' net, and every sum has a balance.
            let mismatches = try await connection.query("""
                SELECT COALESCE(b.account_id, t.account_id) AS account_id, COALESCE(b.currency, t.currency) AS currency,
                       COALESCE(b.amount, 0) AS balance, COALESCE(t.total, 0) AS total
                FROM (SELECT account_id, currency, SUM(amount) AS amount FROM balances GROUP BY account_id, currency) b
                FULL OUTER JOIN (SELECT account_id, currency, SUM(net) AS total FROM balance_transactions
                                 GROUP BY account_id, currency) t
                  ON t.account_id = b.account_id AND t.currency = b.currency
                WHERE COALESCE(b.amount, 0) <> COALESCE(t.total, 0)
                """)
            report.balancesChecked = Int(try await connection.queryFirst(
                "SELECT COUNT(DISTINCT account_id || ':' || currency) AS n FROM balances")?.int("n") ?? 0)
            for row in mismatches {
                report.problems.append(
                    "balance of \(row.string("account_id")) in \(row.string("currency")) is \(row.int("balance")) "
                        + "but its balance transactions sum to \(row.int("total"))")
            }
            // 2. Every captured charge has its balance transaction, of the captured amount.
            for row in try await connection.query("""
                SELECT c.id FROM charges c LEFT JOIN balance_transactions t ON t.id = c.balance_transaction_id
                WHERE c.captured = 1 AND (t.id IS NULL OR t.amount <> c.amount_captured OR t.source_id <> c.id)
                """)
            {
                report.problems.append("captured charge \(row.string("id")) has no matching balance transaction")
            }
            // 3. Every captured refund has its (negative) balance transaction.
            for row in try await connection.query("""
                SELECT r.id FROM refunds r JOIN charges c ON c.id = r.charge_id
                LEFT JOIN balance_transactions t ON t.id = r.balance_transaction_id
                WHERE c.captured = 1 AND (t.id IS NULL OR t.amount <> -r.amount)
                """)
            {
                report.problems.append("refund \(row.string("id")) has no matching balance transaction")
            }
            // 4. Every state change has its event: each charge and refund at least its creation event (since the
            //    events' retention: older events are deleted after 30 days, as Stripe keeps them).
            let eventsSince = try await EventRetention.prunedBefore(on: connection)
            for row in try await connection.query("""
                SELECT c.id FROM charges c WHERE c.created >= \(eventsSince) AND NOT EXISTS (
                    SELECT 1 FROM events e WHERE e.object_id = c.id AND e.type IN ('charge.succeeded', 'charge.failed'))
                UNION ALL
                SELECT r.id FROM refunds r WHERE r.created >= \(eventsSince) AND NOT EXISTS (
                    SELECT 1 FROM events e WHERE e.object_id = r.id AND e.type = 'refund.created')
                """)
            {
                report.problems.append("\(row.string("id")) has no creation event")
            }
            // 5. Every chargeback has withdrawn its amount.
            for row in try await connection.query("""
                SELECT d.id FROM disputes d WHERE d.status NOT LIKE 'warning_%' AND NOT EXISTS (
                    SELECT 1 FROM balance_transactions t WHERE t.source_id = d.id AND t.amount = -d.amount)
                """)
            {
                report.problems.append("dispute \(row.string("id")) has no withdrawal")
            }
            // 6. Refunds never exceed their charge.
            for row in try await connection.query("""
                SELECT c.id FROM charges c JOIN (SELECT charge_id, SUM(amount) AS refunded FROM refunds GROUP BY charge_id) r
                  ON r.charge_id = c.id
                WHERE r.refunded > c.amount OR c.amount_refunded > c.amount
                """)
            {
                report.problems.append("charge \(row.string("id")) is refunded beyond its amount")
            }
            return report
        }
    }
}
