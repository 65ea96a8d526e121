import RemitApp
import RemitETL
import RemitSQL
import RemitStore
import RemitTesting
import Testing

/// The daily aggregates are running sums (`AggregateDeltas`): after every run they must equal what a recomputation
/// from all the facts gives, however the facts were created, changed again in later slices and later runs, or moved
/// out of a figure.
struct EtlAggregateTests {
    @Test(arguments: TestEngine.available)
    func runningSumsEqualARecomputationFromTheFactsAfterEveryRun(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine) { $0.etl.sliceChanges = 4 }
        let runner = app.runtime.etlRunner(logger: makeTestLogger())
        let store = app.runtime.store.database
        let warehouse = app.runtime.warehouse.database
        let day = EtlPipelineTests.today()
        try await app.test { client in
            try await FXRateStore(database: store).load([(day: day, currency: "USD", perEuro: "1.0500"),
                                                         (day: day, currency: "GBP", perEuro: "0.8500")])
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let other = try await client.createMerchant(adminKey: app.adminKey)
            func charge(_ amount: String, _ currency: String, _ source: String = "tok_visa", key: String? = nil) async throws -> String {
                try await client.post("/v1/charges", [("amount", amount), ("currency", currency), ("source", source)],
                                      key: key ?? merchant.key).id
            }
            let first = try await charge("1000", "usd")
            let second = try await charge("2000", "eur")
            _ = try await charge("3000", "usd", "tok_chargeDeclined")
            _ = try await charge("5000", "usd", "tok_createDispute")
            let lone = try await charge("700", "gbp", key: other.key)
            var runs = 0
            func runAndCompare(_ what: Comment) async throws {
                runs += 1
                try await EtlPipelineTests.settle(store)
                let report = try await runner.run(date: day, runID: "aggregates-\(runs)")
                #expect(report.status == "published", "\(report.text)")
                #expect(try await Self.merchantDaily(warehouse) == Self.recomputedMerchantDaily(warehouse), what)
                #expect(try await Self.fraudDaily(warehouse) == Self.recomputedFraudDaily(warehouse), what)
            }
            try await runAndCompare("new facts only")
            #expect(try await Self.merchantDaily(warehouse).count >= 3, "usd and eur for one merchant, gbp for the other")

            // Charges refunded after their first load: the payment facts are replaced, the refunds are new.
            _ = try await client.post("/v1/refunds", [("charge", first), ("amount", "400")], key: merchant.key)
            _ = try await client.post("/v1/refunds", [("charge", second)], key: merchant.key)
            _ = try await charge("900", "usd")
            try await runAndCompare("facts replaced by a later run")

            // A second refund of the same charge, a dispute accepted, and a charge edited by hand out of `succeeded`.
            _ = try await client.post("/v1/refunds", [("charge", first), ("amount", "100")], key: merchant.key)
            let disputes = try await client.get("/v1/disputes", [("limit", "10")], key: merchant.key)
            let dispute = try #require(((disputes["data"] as? [[String: Any]]) ?? []).first?["id"] as? String)
            #expect(try await client.post("/v1/disputes/\(dispute)/close", [], key: merchant.key).status == 200)
            try await EtlWarehouseTests.rawWrite(store, ["UPDATE charges SET status = 'failed' WHERE id = \(lone)"])
            try await runAndCompare("facts replaced again, and one that leaves its merchant's gross")
            let left = try await warehouse.read { connection in
                try await connection.queryFirst("""
                    SELECT payments, gross FROM agg_merchant_daily WHERE merchant_id = \(other.id) AND currency = 'gbp'
                    """)
            }
            #expect(left.map { $0.int("payments") } ?? 0 == 0 && left.map { $0.int("gross") } ?? 0 == 0,
                    "the charge no longer counts in its merchant's payments")

            // A run over nothing new changes nothing.
            let before = try await Self.merchantDaily(warehouse)
            try await runAndCompare("an empty range")
            #expect(try await Self.merchantDaily(warehouse) == before)
        }
    }

    static func merchantDaily(_ warehouse: any SQLDatabase) async throws -> [String] {
        try await warehouse.read { connection in
            try await connection.query("""
                SELECT merchant_id, date_key, currency, payments, gross, refunds, disputes, fees, net, gross_usd_cents,
                    refunds_usd_cents, disputes_usd_cents, fees_usd_cents, net_usd_cents
                FROM agg_merchant_daily ORDER BY merchant_id, date_key, currency
                """).map(line)
        }
    }

    /// The definition of the daily figures, over every fact: the oracle the running sums are held to.
    static func recomputedMerchantDaily(_ warehouse: any SQLDatabase) async throws -> [String] {
        try await warehouse.read { connection in
            try await connection.query("""
                SELECT d.merchant_id, x.date_key, x.currency, SUM(x.payments) AS payments, SUM(x.gross) AS gross,
                    SUM(x.refunds) AS refunds, SUM(x.disputes) AS disputes, SUM(x.fees) AS fees,
                    SUM(x.gross) - SUM(x.refunds) - SUM(x.disputes) - SUM(x.fees) AS net,
                    SUM(x.gross_usd) AS gross_usd, SUM(x.refunds_usd) AS refunds_usd, SUM(x.disputes_usd) AS disputes_usd,
                    SUM(x.fees_usd) AS fees_usd,
                    SUM(x.gross_usd) - SUM(x.refunds_usd) - SUM(x.disputes_usd) - SUM(x.fees_usd) AS net_usd
                FROM (
                    SELECT merchant_sk AS sk, date_key, currency, 1 AS payments, amount AS gross, 0 AS refunds,
                        0 AS disputes, 0 AS fees, amount_usd_cents AS gross_usd, 0 AS refunds_usd, 0 AS disputes_usd,
                        0 AS fees_usd
                    FROM fact_payment WHERE status = 'succeeded'
                    UNION ALL
                    SELECT merchant_sk, date_key, currency, 0, 0, amount, 0, 0, 0, amount_usd_cents, 0, 0
                    FROM fact_refund WHERE status <> 'failed'
                    UNION ALL
                    SELECT merchant_sk, date_key, currency, 0, 0, 0, amount, 0, 0, 0, amount_usd_cents, 0 FROM fact_dispute
                    UNION ALL
                    SELECT merchant_sk, date_key, currency, 0, 0, 0, 0, fee, 0, 0, 0, fee_usd_cents
                    FROM fact_balance_transaction WHERE fee <> 0
                ) AS x JOIN dim_merchant d ON d.merchant_sk = x.sk
                GROUP BY d.merchant_id, x.date_key, x.currency
                ORDER BY d.merchant_id, x.date_key, x.currency
                """).map(line)
        }
    }

    static func fraudDaily(_ warehouse: any SQLDatabase) async throws -> [String] {
        try await warehouse.read { connection in
            try await connection.query("""
                SELECT merchant_id, date_key, outcome_type, risk_bucket, charges, amount_usd_cents FROM agg_fraud_daily
                ORDER BY merchant_id, date_key, outcome_type, risk_bucket
                """).map(line)
        }
    }

    static func recomputedFraudDaily(_ warehouse: any SQLDatabase) async throws -> [String] {
        try await warehouse.read { connection in
            try await connection.query("""
                SELECT d.merchant_id, f.date_key, COALESCE(f.outcome_type, '') AS outcome_type,
                    CASE WHEN COALESCE(f.risk_score, 0) >= 90 THEN 9 WHEN COALESCE(f.risk_score, 0) < 0 THEN 0
                         ELSE COALESCE(f.risk_score, 0) / 10 END AS bucket,
                    count(*) AS charges, SUM(f.amount_usd_cents) AS usd
                FROM fact_payment f JOIN dim_merchant d ON d.merchant_sk = f.merchant_sk
                GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
                """).map(line)
        }
    }

    /// A row as text, every column in order (a PostgreSQL `SUM` is a numeric: read as the integer it is).
    static func line(_ row: SQLRow) -> String {
        row.values.indices.map { index in
            switch row.values[index] {
            case .null: "NULL"
            case .text(let text): text
            default: String(row.int(at: index))
            }
        }.joined(separator: "|")
    }
}
