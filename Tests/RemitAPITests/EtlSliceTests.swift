import Foundation
import RemitApp
import RemitETL
import RemitSQL
import RemitStore
import RemitTesting
import Synchronization
import Testing

/// A run reads its range in slices, one after another inside one warehouse transaction.
struct EtlSliceTests {
    @Test(arguments: TestEngine.available)
    func aRunInSlicesLoadsWhatTheWholeRangeHoldsAndAFailingSliceRollsBackThemAll(engine: TestEngine) async throws {
        // A slice of about 4 captured changes: a charge is 2 (the charge, its balance transaction), so every slice
        // holds one or two of the writes below.
        let app = try await RemitTestApp.make(engine) { $0.etl.sliceChanges = 4 }
        let runner = app.runtime.etlRunner(logger: makeTestLogger())
        let store = app.runtime.store.database
        let warehouse = app.runtime.warehouse.database
        let day = EtlPipelineTests.today()
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let customer = try await client.post("/v1/customers", [("email", "before@example.com")], key: merchant.key)
            let first = try await client.post("/v1/charges", [("amount", "1000"), ("currency", "usd"), ("source", "tok_visa"),
                                                              ("customer", customer.id)], key: merchant.key)
            _ = try await client.post("/v1/charges", [("amount", "2000"), ("currency", "usd"), ("source", "tok_visa")],
                                      key: merchant.key)
            // A refund in a later slice than its charge: the rules find the charge among the run's earlier slices.
            let refund = try await client.post("/v1/refunds", [("charge", first.id), ("amount", "500")], key: merchant.key)
            #expect(refund.status == 200)
            try await Task.sleep(for: .milliseconds(1100))  // the customer's next version starts at a later second
            _ = try await client.post("/v1/customers/\(customer.id)", [("email", "after@example.com")], key: merchant.key)
            let third = try await client.post("/v1/charges", [("amount", "3000"), ("currency", "usd"), ("source", "tok_visa"),
                                                              ("customer", customer.id)], key: merchant.key)
            // Last, a euro charge with no rate loaded: the last slice fails its check.
            _ = try await client.post("/v1/charges", [("amount", "700"), ("currency", "eur"), ("source", "tok_visa")],
                                      key: merchant.key)
            try await EtlPipelineTests.settle(store)

            let lines = LineCollector()
            await #expect(throws: EtlPipeline.Failure.self) {
                _ = try await runner.run(date: day, runID: "sliced-1") { lines.add($0) }
            }
            #expect(lines.all.contains { $0.hasPrefix("slice 1 of ") }, "\(lines.all)")
            #expect(try await EtlWarehouseTests.scalar(warehouse, "SELECT count(*) AS n FROM fact_payment") == 0,
                    "a failing slice rolls back the slices loaded before it")
            #expect(try await EtlWarehouseTests.scalar(warehouse, "SELECT count(*) AS n FROM dim_customer WHERE customer_sk <> -1") == 0)
            let failed = try await EtlPipeline.runs(warehouse).first { $0.string("run_id") == "sliced-1" }
            #expect(failed?.string("status") == "failed" && failed?.optionalString("error") == "fx_rates")

            try await FXRateStore(database: store).load([(day: day, currency: "USD", perEuro: "1.0500")])
            try await EtlPipelineTests.settle(store)
            let report = try await runner.run(date: day, runID: "sliced-2")
            #expect(report.status == "published", "\(report.text)")
            let reads = report.steps.filter { $0.name == "extract" || $0.name == "extract (beside the load)" }
            #expect(reads.count >= 4, "the range was read in several slices, each after the first ahead of its load")
            #expect(reads.reduce(0) { $0 + $1.rows } >= 13, "every slice's rows")
            #expect(report.quarantined == 0, "the refund's charge was known from an earlier slice")

            let payments = try await warehouse.read { connection in
                try await connection.query("""
                    SELECT payment_id, amount, amount_refunded, customer_sk FROM fact_payment ORDER BY amount
                    """)
            }
            #expect(payments.map { $0.int("amount") } == [700, 1000, 2000, 3000])
            #expect(payments.first { $0.string("payment_id") == first.id }?.int("amount_refunded") == 500,
                    "a charge changed again in a later slice ends with its last image")
            let versions = try await warehouse.read { connection in
                try await connection.query("""
                    SELECT customer_sk, email FROM dim_customer WHERE customer_id = \(customer.id) ORDER BY valid_from
                    """)
            }
            #expect(versions.map { $0.optionalString("email") } == ["before@example.com", "after@example.com"])
            #expect(payments.first { $0.string("payment_id") == first.id }?.int("customer_sk") == versions.first?.int("customer_sk"))
            #expect(payments.first { $0.string("payment_id") == third.id }?.int("customer_sk") == versions.last?.int("customer_sk"))
            #expect(try await EtlWarehouseTests.scalar(warehouse, "SELECT count(*) AS n FROM fact_refund WHERE payment_id = \(first.id)") == 1)
            let usd = try #require(try await warehouse.read { connection in
                try await connection.queryFirst("""
                    SELECT payments, gross, refunds FROM agg_merchant_daily WHERE merchant_id = \(merchant.id) AND currency = 'usd'
                    """)
            })
            #expect(usd.int("payments") == 3 && usd.int("gross") == 6000 && usd.int("refunds") == 500,
                    "the aggregates sum every slice's facts, the refunded charge once")

            // Each slice stages its own files; together they hold every payment, its latest image last.
            let lake = app.runtime.configuration.lakePath + "/staging/payment"
            let files = try FileManager.default.subpathsOfDirectory(atPath: lake).filter { $0.hasSuffix(".parquet") }
            #expect(files.filter { $0.contains("payment_sliced-2-") }.count >= 2, "\(files)")
        }
    }
}

/// Progress lines, as a terminal would show them.
final class LineCollector: Sendable {
    private let lines = Mutex<[String]>([])
    func add(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}
