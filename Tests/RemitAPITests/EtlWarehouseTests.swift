import Foundation
import RemitAlerts
import RemitApp
import RemitCore
import RemitETL
import RemitSQL
import RemitStore
import RemitTesting
import Synchronization
import Testing

/// The nightly run's facts, rules and failure modes, on both engines (on PostgreSQL the warehouse is a schema of
/// its own, as in production).
struct EtlWarehouseTests {
    /// A write outside the ledger, as an operator's SQL or another application would make: on SQLite it bumps the
    /// capture clock as every writer must, so its changes carry an LSN of their own.
    static func rawWrite(_ database: any SQLDatabase, _ statements: [SQL]) async throws {
        _ = try await database.write { connection in
            if connection.dialect == .sqlite { try await connection.execute("UPDATE cdc_clock SET lsn = lsn + 1 WHERE id = 1") }
            for statement in statements { try await connection.execute(statement) }
        }
    }

    static func scalar(_ database: any SQLDatabase, _ sql: SQL) async throws -> Int64 {
        try await database.read { try await $0.queryFirst(sql)?.int("n") ?? -1 }
    }

    @Test(arguments: TestEngine.available)
    func disputesSubscriptionsAndFeesReachTheFactsAndTheDailyAggregates(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        let runner = app.runtime.etlRunner(logger: makeTestLogger())
        let warehouse = app.runtime.warehouse.database
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let product = try await client.post("/v1/products", [("name", "Pro")], key: merchant.key)
            let price = try await client.post("/v1/prices", [("product", product.id), ("currency", "usd"),
                                                             ("unit_amount", "1500"), ("recurring[interval]", "month")],
                                              key: merchant.key)
            let customer = try await client.post("/v1/customers", [("email", "s@example.com"), ("payment_method", "pm_card_visa"),
                                                                      ("invoice_settings[default_payment_method]", "pm_card_visa")],
                                                 key: merchant.key)
            let subscription = try await client.post("/v1/subscriptions", [("customer", customer.id), ("items[0][price]", price.id)],
                                                     key: merchant.key)
            let charge = try await client.post("/v1/charges", [("amount", "10000"), ("currency", "usd"), ("source", "tok_visa")],
                                               key: merchant.key)
            _ = try await client.post("/v1/refunds", [("charge", charge.id), ("amount", "2500")], key: merchant.key)
            let disputed = try await client.post("/v1/charges", [("amount", "5000"), ("currency", "usd"),
                                                                 ("source", "tok_createDispute")], key: merchant.key)
            #expect(disputed.status == 200)
            try await EtlPipelineTests.settle(app.runtime.store.database)
            let report = try await runner.run(date: EtlPipelineTests.today(), runID: "facts")
            #expect(report.status == "published", "\(report.text)")

            #expect(try await Self.scalar(warehouse, "SELECT count(*) AS n FROM fact_dispute WHERE payment_id = \(disputed.id)") == 1)
            #expect(try await Self.scalar(warehouse, """
                SELECT count(*) AS n FROM dim_subscription WHERE subscription_id = \(subscription.id) AND valid_to IS NULL
                  AND status = 'active' AND customer_id = \(customer.id)
                """) == 1)
            // Fees and the balance's movements, against the OLTP balance transactions.
            let movements = try await client.get("/v1/balance_transactions", [("limit", "100")], key: merchant.key)
            let rows = (movements["data"] as? [[String: Any]]) ?? []
            let fees = rows.reduce(0) { $0 + (($1["fee"] as? Int) ?? 0) }
            #expect(try await Self.scalar(warehouse, "SELECT count(*) AS n FROM fact_balance_transaction") == Int64(rows.count))
            let day = try #require(try await warehouse.read { connection in
                try await connection.queryFirst("""
                    SELECT payments, gross, refunds, disputes, fees, net, net_usd_cents FROM agg_merchant_daily
                    WHERE merchant_id = \(merchant.id) AND currency = 'usd'
                    """)
            })
            #expect(day.int("payments") == 3, "the subscription's first charge, the charge, the disputed charge")
            #expect(day.int("gross") == 1500 + 10000 + 5000, "the subscription's price × 1, the charge, the disputed charge")
            #expect(day.int("refunds") == 2500)
            #expect(day.int("disputes") == 5000)
            #expect(day.int("fees") == Int64(fees), "charge fees and the dispute fee, as the balance transactions have them")
            #expect(day.int("net") == day.int("gross") - 2500 - 5000 - Int64(fees))
            #expect(day.int("net_usd_cents") == day.int("net"))
        }
    }

    @Test(arguments: TestEngine.available)
    func badRowsAreQuarantinedAndTooManyOfThemFailTheRun(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        let store = app.runtime.store.database
        let warehouse = app.runtime.warehouse.database
        let lake = app.runtime.configuration.lakePath
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            var charges: [String] = []
            for amount in ["1000", "2000", "3000"] {
                charges.append(try await client.post("/v1/charges", [("amount", amount), ("currency", "usd"), ("source", "tok_visa")],
                                                     key: merchant.key).id)
            }
            // Someone edits the OLTP store by hand: a charge of nothing, a currency nobody has.
            try await Self.rawWrite(store, ["UPDATE charges SET amount = 0 WHERE id = \(charges[0])",
                                            "UPDATE charges SET currency = 'zzz' WHERE id = \(charges[1])"])
            try await EtlPipelineTests.settle(store)
            let strict = app.runtime.etlRunner(logger: makeTestLogger())
            do {
                _ = try await strict.run(date: EtlPipelineTests.today(), runID: "strict")
                Issue.record("two bad rows of a dozen is over the 1 % limit")
            } catch let failure as EtlPipeline.Failure {
                #expect(failure.kind == .validation)
                #expect(failure.report.failedChecks.map(\.name) == ["quarantine_rate"])
            }
            #expect(try await Self.scalar(warehouse, "SELECT count(*) AS n FROM fact_payment") == 0, "nothing published")
            let kept = "\(lake)/quarantine/payment"
            #expect(FileManager.default.fileExists(atPath: kept), "the quarantine stays for investigation")

            var configuration = app.runtime.configuration.etl
            configuration.maximumQuarantineRate = 0.5
            let lenient = EtlPipeline(store: store, warehouse: warehouse, lakeDirectory: lake, configuration: configuration)
            let report = try await lenient.run(date: EtlPipelineTests.today(), runID: "lenient")
            #expect(report.status == "published" && report.quarantined == 2)
            let quarantined = try await warehouse.read { connection in
                try await connection.query("SELECT row_key, reason, row_data FROM etl_quarantine WHERE run_id = 'lenient' ORDER BY reason")
            }
            #expect(quarantined.map { $0.string("row_key") } == [charges[0], charges[1]])
            #expect(quarantined.map { $0.string("reason") } == ["amount 0 is not positive", "unknown currency zzz"])
            let images = quarantined.map { row in
                (try? JSONSerialization.jsonObject(with: Data(row.string("row_data").utf8))) as? [String: Any]
            }
            #expect(images.map { $0?["id"] as? String } == [charges[0], charges[1]], "each rejected image, as it came")
            #expect(images.first??["amount"] as? Int == 0 && images.last??["currency"] as? String == "zzz")
            let facts = try await warehouse.read { try await $0.query("SELECT payment_id FROM fact_payment") }.map { $0.string("payment_id") }
            #expect(facts == [charges[2]])
        }
    }

    @Test(arguments: TestEngine.available)
    func aBackfillLoadsEachSimulatedDayUnderItsOwnDate(engine: TestEngine) async throws {
        // 2026-11-02 10:00 UTC, a Monday: the history is made on the ledger's clock, not the machine's.
        let clock = ManualWallClock(start: 1_793_613_600)
        let app = try await RemitTestApp.make(engine, clock: clock.wallClock)
        let runner = app.runtime.etlRunner(logger: makeTestLogger())
        let warehouse = app.runtime.warehouse.database
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let customer = try await client.post("/v1/customers", [("email", "day1@example.com")], key: merchant.key)
            _ = try await client.post("/v1/charges", [("amount", "1000"), ("currency", "usd"), ("source", "tok_visa"),
                                                      ("customer", customer.id)], key: merchant.key)
            clock.advance(by: 86_400)
            _ = try await client.post("/v1/customers/\(customer.id)", [("email", "day2@example.com")], key: merchant.key)
            _ = try await client.post("/v1/charges", [("amount", "2000"), ("currency", "usd"), ("source", "tok_visa"),
                                                      ("customer", customer.id)], key: merchant.key)
            try await EtlPipelineTests.settle(app.runtime.store.database)
            let (reports, failure) = try await runner.backfill(from: "2026-11-02", through: "2026-11-04", runSuffix: "test")
            #expect(failure == nil)
            #expect(reports.map(\.status) == ["published", "published", "published"])
            #expect(reports[0].toLSN < reports[1].toLSN && reports[1].fromLSN == reports[0].toLSN)
            #expect(reports[2].fromLSN == reports[2].toLSN, "a day with no changes left publishes an empty run")
            let facts = try await warehouse.read { connection in
                try await connection.query("SELECT date_key, amount, customer_sk FROM fact_payment ORDER BY created")
            }
            #expect(facts.map { $0.int("date_key") } == [20_261_102, 20_261_103])
            let versions = try await warehouse.read { connection in
                try await connection.query("""
                    SELECT customer_sk, email, valid_from FROM dim_customer WHERE customer_id = \(customer.id) ORDER BY valid_from
                    """)
            }
            #expect(versions.map { $0.optionalString("email") } == ["day1@example.com", "day2@example.com"])
            let secondStart: Int64 = (1_793_613_600 + 86_400) * 1_000_000
            #expect(try #require(versions.last).int("valid_from") == secondStart,
                    "the second version starts when the simulated update happened")
            #expect(facts.map { $0.int("customer_sk") } == versions.map { $0.int("customer_sk") })
        }
    }

    @Test(arguments: TestEngine.available)
    func overlappingVersionsOfAKeyTheRunWritesFailItsSCD2Check(engine: TestEngine) async throws {
        let clock = ManualWallClock(start: 1_793_613_600)  // 2026-11-02 10:00 UTC
        let app = try await RemitTestApp.make(engine, clock: clock.wallClock)
        let runner = app.runtime.etlRunner(logger: makeTestLogger())
        let warehouse = app.runtime.warehouse.database
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let touched = try await client.post("/v1/customers", [("email", "a@example.com")], key: merchant.key)
            let untouched = try await client.post("/v1/customers", [("email", "b@example.com")], key: merchant.key)
            try await EtlPipelineTests.settle(app.runtime.store.database)
            let first = try await runner.run(date: "2026-11-02", runID: "first")
            #expect(first.status == "published", "\(first.text)")
            #expect(first.checks.first { $0.name == "scd2_ranges" }?.detail.contains("(4 keys written") == true,
                    "the platform's account, the merchant and the two customers: \(first.text)")

            // Versions written by hand over the current ones ([2026-01-01, 2100-01-01)): one for each customer.
            let (from, to): (Int64, Int64) = (1_767_225_600_000_000, 4_102_444_800_000_000)
            for (index, customer) in [touched, untouched].enumerated() {
                _ = try await warehouse.write { try await $0.execute("""
                    INSERT INTO dim_customer (customer_sk, customer_id, merchant_id, email, valid_from, valid_to,
                        is_current, is_deleted, scd_id, row_hash)
                    VALUES (\(Int64(900 + index)), \(customer.id), \(merchant.id), 'stray@example.com', \(from), \(to),
                        0, 0, \("stray-\(index)"), 'stray')
                    """) }
            }
            clock.advance(by: 3_600)
            _ = try await client.post("/v1/customers/\(touched.id)", [("email", "a2@example.com")], key: merchant.key)
            try await EtlPipelineTests.settle(app.runtime.store.database)
            let failure = await #expect(throws: EtlPipeline.Failure.self) {
                _ = try await runner.run(date: "2026-11-02", runID: "second")
            }
            let check = try #require(failure?.report.checks.first { $0.name == "scd2_ranges" })
            #expect(!check.passed)
            #expect(check.detail.contains("dim_customer \(touched.id)"), "\(check.detail)")
            #expect(!check.detail.contains(untouched.id), "a key the run did not write is not judged again")
            #expect(try await Self.scalar(warehouse, "SELECT count(*) AS n FROM dim_customer WHERE customer_id = \(touched.id)") == 2,
                    "the run rolled back: its new version is not there")

            // Without the stray version, the same range publishes.
            _ = try await warehouse.write { try await $0.execute("DELETE FROM dim_customer WHERE customer_sk = 900") }
            let third = try await runner.run(date: "2026-11-02", runID: "third")
            #expect(third.status == "published", "\(third.text)")
            #expect(third.fromLSN == first.toLSN)
        }
    }

    @Test(arguments: TestEngine.available)
    func aRunOverItsTimeoutIsCancelledAndTheNextCompletesTheRange(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        let warehouse = app.runtime.warehouse.database
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            _ = try await client.post("/v1/charges", [("amount", "1000"), ("currency", "usd"), ("source", "tok_visa")],
                                      key: merchant.key)
            try await EtlPipelineTests.settle(app.runtime.store.database)
            // The source fails once and the run waits a minute before its retry: far over a 200 ms timeout.
            var configuration = EtlPipeline.Configuration()
            configuration.timeout = .milliseconds(200)
            let hurried = EtlPipeline(store: FaultyDatabase(app.runtime.store.database, failingReads: 1), warehouse: warehouse,
                                      lakeDirectory: app.runtime.configuration.lakePath, configuration: configuration)
                .sleeping { _ in try await Task.sleep(for: .seconds(60)) }
            let started = ContinuousClock.now
            do {
                _ = try await hurried.run(date: EtlPipelineTests.today(), runID: "hurried")
                Issue.record("the run waits longer than its timeout")
            } catch let failure as EtlPipeline.Failure {
                #expect(failure.kind == .timeout)
            }
            #expect(ContinuousClock.now - started < .seconds(30), "cancelled, not waited out")
            let runs = try await EtlPipeline.runs(warehouse)
            #expect(runs.first { $0.string("run_id") == "hurried" }?.string("status") == "timed_out")
            let next = try await app.runtime.etlRunner(logger: makeTestLogger()).run(date: EtlPipelineTests.today(), runID: "next")
            #expect(next.status == "published" && next.fromLSN == 0, "the lock was released and the range is taken again")
            #expect(try await Self.scalar(warehouse, "SELECT count(*) AS n FROM fact_payment") == 1)
        }
    }

    @Test(arguments: TestEngine.available)
    func aFailingSourceIsRetriedWithBackoffThenAlertedAfterThirtyMinutes(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        let warehouse = app.runtime.warehouse.database
        let lake = app.runtime.configuration.lakePath
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            _ = try await client.post("/v1/charges", [("amount", "1000"), ("currency", "usd"), ("source", "tok_visa")],
                                      key: merchant.key)
            try await EtlPipelineTests.settle(app.runtime.store.database)
            let waits = WaitLog()
            // Two failed reads, then the source is back: the run retries and publishes.
            let flaky = FaultyDatabase(app.runtime.store.database, failingReads: 2)
            let recovering = EtlPipeline(store: flaky, warehouse: warehouse, lakeDirectory: lake).sleeping { waits.add($0) }
            let report = try await recovering.run(date: EtlPipelineTests.today(), runID: "flaky")
            #expect(report.status == "published")
            #expect(waits.all.count == 2 && waits.all.allSatisfy { $0 < .seconds(4) }, "full jitter under 2 s, then 4 s")

            // A source that stays down: three retries, then the run fails as such.
            let down = FaultyDatabase(app.runtime.store.database, failingReads: Int.max)
            let clock = ManualWallClock(start: 1_800_000_000)
            let pipeline = EtlPipeline(store: down, warehouse: warehouse, lakeDirectory: lake).sleeping { _ in }
            let runner = EtlRunner(pipeline: pipeline, alerting: app.runtime.alerting, clock: clock.wallClock,
                                   logger: makeTestLogger()).sleeping { clock.advance(by: Double($0.components.seconds)) }
            await #expect(throws: EtlPipeline.Failure.self) {
                _ = try await runner.runNightly(date: EtlPipelineTests.today(), deadline: clock.wallClock.now().addingTimeInterval(3600),
                                                runID: "down")
            }
            #expect(down.reads == 12 * 4, "every 5 minutes for an hour, each attempt tried 4 times")
            let alerts = try await AlertLog(database: app.runtime.store.database).recent(limit: 50, source: "etl")
            #expect(alerts.filter { $0.string("kind") == "source_unavailable" }.count == 1, "once, after 30 minutes")
        }
    }
}

/// The waits a pipeline asked for, instead of waiting.
final class WaitLog: Sendable {
    private let waits = Mutex<[Duration]>([])
    func add(_ duration: Duration) { waits.withLock { $0.append(duration) } }
    var all: [Duration] { waits.withLock { $0 } }
}
