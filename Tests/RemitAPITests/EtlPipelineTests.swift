import Foundation
import RemitAlerts
import RemitApp
import RemitETL
import RemitSQL
import RemitStore
import RemitTesting
import Testing

struct EtlPipelineTests {
    static func today() -> String {
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date())
    }

    /// Waits until every change written so far is final (on PostgreSQL other tests' open transactions hold the
    /// horizon back), so a run takes it.
    /// Waits until every change written so far is final. On PostgreSQL the horizon is the cluster's: a long
    /// transaction in any test's database holds it back, hence the generous wait, which must not run out.
    static func settle(_ database: any SQLDatabase) async throws {
        let feed = ChangeFeed(database: database)
        let settled = try await feed.waitForHorizon(try await feed.latestWritten(), timeout: .seconds(120))
        try #require(settled, "the change feed's horizon did not reach the last write")
    }

    @Test(arguments: TestEngine.available)
    func runsPublishIdempotentlyTrackHistoryAndAFailedCheckLeavesTheWarehouseAsItWas(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        // The runtime's warehouse: a SQLite file beside a SQLite store, a schema of its own beside a PostgreSQL one.
        let warehouse = app.runtime.warehouse.database
        let pipeline = EtlPipeline(store: app.runtime.store.database, warehouse: warehouse,
                                   lakeDirectory: app.runtime.configuration.lakePath)
        let day = Self.today()
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let customer = try await client.post("/v1/customers", [("email", "v1@example.com")], key: merchant.key)
            _ = try await client.post("/v1/charges", [("amount", "1000"), ("currency", "usd"), ("source", "tok_visa"),
                                                      ("customer", customer.id)], key: merchant.key)
            try await Self.settle(app.runtime.store.database)
            let first = try await pipeline.run(date: day, runID: "r1")
            #expect(first.status == "published")
            #expect(first.failedChecks.isEmpty)

            try await Task.sleep(for: .milliseconds(1100))  // the next version starts at a later commit time
            _ = try await client.post("/v1/customers/\(customer.id)", [("email", "v2@example.com")], key: merchant.key)
            _ = try await client.post("/v1/charges", [("amount", "2500"), ("currency", "usd"), ("source", "tok_visa"),
                                                      ("customer", customer.id)], key: merchant.key)
            try await Self.settle(app.runtime.store.database)
            let second = try await pipeline.run(date: day, runID: "r2")
            #expect(second.status == "published")
            #expect(second.fromLSN == first.toLSN, "each run starts where the last published one ended")

            let versions = try await warehouse.read { connection in
                try await connection.query("""
                    SELECT customer_sk, email, valid_to FROM dim_customer WHERE customer_id = \(customer.id) ORDER BY valid_from
                    """)
            }
            #expect(versions.map { $0.optionalString("email") } == ["v1@example.com", "v2@example.com"])
            #expect(versions.first?.optionalInt("valid_to") != nil && versions.last?.optionalInt("valid_to") == nil)
            let facts = try await warehouse.read { connection in
                try await connection.query("SELECT amount, customer_sk, amount_usd_cents FROM fact_payment ORDER BY amount")
            }
            #expect(facts.map { $0.int("amount") } == [1000, 2500])
            #expect(facts.map { $0.int("customer_sk") } == versions.map { $0.int("customer_sk") },
                    "each payment points at the customer version valid when it happened")
            #expect(facts.map { $0.int("amount_usd_cents") } == [1000, 2500])

            let rerun = try await pipeline.run(date: day, runID: "r3")
            #expect(rerun.steps.first?.rows == 0, "nothing new: nothing to do")
            let factCount = try await warehouse.read { try await $0.queryFirst("SELECT count(*) AS n FROM fact_payment")?.int("n") }

            // A euro charge with no rate loaded: the run fails its check and the warehouse stays as it was.
            _ = try await client.post("/v1/charges", [("amount", "700"), ("currency", "eur"), ("source", "tok_visa")],
                                      key: merchant.key)
            try await Self.settle(app.runtime.store.database)
            await #expect(throws: EtlPipeline.Failure.self) { _ = try await pipeline.run(date: day, runID: "r4") }
            let after = try await warehouse.read { try await $0.queryFirst("SELECT count(*) AS n FROM fact_payment")?.int("n") }
            #expect(after == factCount)
            let runs = try await EtlPipeline.runs(warehouse)
            #expect(runs.first { $0.string("run_id") == "r4" }?.string("status") == "failed")
            #expect(runs.first { $0.string("run_id") == "r4" }?.optionalString("error") == "fx_rates")

            // With the rate, the next run takes the failed run's range again and publishes.
            try await FXRateStore(database: app.runtime.store.database).load([
                (day: day, currency: "USD", perEuro: "1.0500"),
            ])
            try await Self.settle(app.runtime.store.database)
            let retried = try await pipeline.run(date: day, runID: "r5")
            #expect(retried.status == "published")
            #expect(retried.fromLSN == rerun.toLSN, "the failed run's range is taken again")
            let euro = try await warehouse.read {
                try await $0.queryFirst("SELECT amount_usd_cents FROM fact_payment WHERE currency = 'eur'")?.int("amount_usd_cents")
            }
            #expect(euro == 735)
        }
    }

    @Test(arguments: TestEngine.available)
    func oneRunAtATimeAndFailuresAndMissedDeadlinesRaiseAlerts(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        let runner = app.runtime.etlRunner(logger: makeTestLogger())
        let warehouse = app.runtime.warehouse.database
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            _ = try await client.post("/v1/charges", [("amount", "700"), ("currency", "eur"), ("source", "tok_visa")],
                                      key: merchant.key)
            try await Self.settle(app.runtime.store.database)
            let day = Self.today()
            // Another node holds the warehouse.
            _ = try await runner.checkDeadline(date: day)  // migrates the warehouse, and alerts: nothing published yet
            _ = try await warehouse.write { connection in
                try await connection.execute("UPDATE etl_lock SET holder = 'node-b:run-9', until_ms = 9000000000000 WHERE id = 1")
            }
            await #expect(throws: EtlPipeline.Busy.self) { _ = try await runner.run(date: day, runID: "x1") }
            _ = try await warehouse.write { connection in
                try await connection.execute("UPDATE etl_lock SET holder = NULL, until_ms = 0 WHERE id = 1")
            }
            // No euro rate: the run fails, the lock is released, and the alert names the failing check.
            await #expect(throws: EtlPipeline.Failure.self) { _ = try await runner.run(date: day, runID: "x2") }
            let alerts = try await AlertLog(database: app.runtime.store.database).recent(limit: 10, source: "etl")
            #expect(alerts.map { $0.string("kind") } == ["run_failed", "sla_missed"])
            #expect(alerts.first?.string("details").contains("check_fx_rates") == true)
            try await FXRateStore(database: app.runtime.store.database).load([(day: day, currency: "USD", perEuro: "1.0500")])
            let report = try await runner.run(date: day, runID: "x3")
            #expect(report.status == "published", "the lock was released by the failed run")
            #expect(try await runner.checkDeadline(date: day))
        }
    }
}

/// The warehouse knows which payments came through a PaymentIntent and which were authenticated (issue #22 §9).
struct EtlPaymentIntentTests {
    @Test(arguments: TestEngine.available)
    func factPaymentLinksTheIntentAndItsAuthentication(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        let warehouse = app.runtime.warehouse.database
        let pipeline = EtlPipeline(store: app.runtime.store.database, warehouse: warehouse,
                                   lakeDirectory: app.runtime.configuration.lakePath)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let charge = try await client.post("/v1/charges", [("amount", "1000"), ("currency", "usd"), ("source", "tok_visa")],
                                               key: merchant.key)
            let plain = try await client.post("/v1/payment_intents", [
                ("amount", "2000"), ("currency", "usd"), ("payment_method", "pm_card_visa"), ("confirm", "true"),
                ("payment_method_types[]", "card"),
            ], key: merchant.key)
            let challenged = try await client.post("/v1/payment_intents", [
                ("amount", "3000"), ("currency", "usd"), ("payment_method", "pm_card_authenticationRequired"),
                ("confirm", "true"), ("payment_method_types[]", "card"), ("return_url", ThreeDSecureTests.returnURL),
            ], key: merchant.key)
            let url = ((challenged["next_action"] as? [String: Any])?["redirect_to_url"] as? [String: Any])?["url"] as? String
            let page = URLComponents(string: url ?? "")?.path ?? ""
            #expect(try await ThreeDSecureTests.answer(client, page, "complete").status == 302)
            try await EtlPipelineTests.settle(app.runtime.store.database)
            let run = try await pipeline.run(date: EtlPipelineTests.today(), runID: "pi1")
            #expect(run.status == "published")
            let facts = try await warehouse.read { connection in
                try await connection.query("""
                    SELECT payment_id, amount, payment_intent_id, three_d_secure FROM fact_payment ORDER BY amount
                    """)
            }
            #expect(facts.map { $0.string("payment_id") }.first == charge.id)
            #expect(facts.map { $0.optionalString("payment_intent_id") } == [nil, plain.id, challenged.id])
            #expect(facts.map { $0.optionalString("three_d_secure") } == [nil, nil, "authenticated"])
            let day = try await warehouse.read { connection in
                try await connection.queryFirst("""
                    SELECT SUM(payments) AS payments, SUM(intent_payments) AS intents,
                        SUM(authenticated_payments) AS authenticated
                    FROM agg_merchant_daily
                    """)
            }
            #expect(day?.int("payments") == 3 && day?.int("intents") == 2 && day?.int("authenticated") == 1)
        }
    }
}
