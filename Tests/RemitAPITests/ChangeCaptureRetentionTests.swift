import Foundation
import RemitApp
import RemitCore
import RemitETL
import RemitSQL
import RemitStore
import RemitTesting
import Synchronization
import Testing

struct ChangeCaptureRetentionTests {
    static func changeLog(_ database: any SQLDatabase) async throws -> (count: Int64, lowest: Int64?) {
        let row = try await database.read { connection in
            try await connection.queryFirst("SELECT count(*) AS n, MIN(tx_lsn) AS lowest FROM change_log")
        }
        return (row?.int("n") ?? 0, row?.optionalInt("lowest"))
    }

    @Test(arguments: TestEngine.available)
    func publishedChangesArePrunedOnlyAfterTheirRetentionAndARangeBelowTheWatermarkIsRefused(engine: TestEngine) async throws {
        // 2026-11-02 10:00 UTC: the change capture stamps the ledger's clock, so the retention is tested on it.
        let clock = ManualWallClock(start: 1_793_613_600)
        let app = try await RemitTestApp.make(engine, clock: clock.wallClock)
        let store = app.runtime.store.database
        let runner = app.runtime.etlRunner(logger: makeTestLogger())
        let retention = ChangeCaptureRetention(database: store)
        let feed = ChangeFeed(database: store)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            for amount in [1000, 1100, 1200] {
                _ = try await client.post("/v1/charges", [("amount", "\(amount)"), ("currency", "usd"), ("source", "tok_visa")],
                                          key: merchant.key)
            }
            try await EtlPipelineTests.settle(store)

            // No consumer has confirmed anything: nothing goes, however old.
            clock.advance(by: 30 * 86_400)
            let unconfirmed = try await app.runtime.pruneChangeCapture(retention: .zero)
            #expect(unconfirmed.confirmedThrough == nil && unconfirmed.deleted == 0)
            clock.advance(by: -30 * 86_400)

            let first = try await runner.run(date: "2026-11-02", runID: "r1")
            #expect(first.status == "published")
            #expect(try await retention.confirmedThrough() == first.toLSN, "a published run confirms its range")

            clock.advance(by: 86_400)
            for amount in [2000, 2100] {
                _ = try await client.post("/v1/charges", [("amount", "\(amount)"), ("currency", "usd"), ("source", "tok_visa")],
                                          key: merchant.key)
            }
            try await EtlPipelineTests.settle(store)
            let all = try await feed.changes(after: .start, through: try await feed.latestWritten(), limit: 100_000)
            let published = all.filter { $0.position.lsn <= first.toLSN }.count
            #expect(published > 6 && published < all.count)

            // Within the retention (the published changes are a day old): nothing goes.
            let kept = try await app.runtime.pruneChangeCapture(retention: .seconds(2 * 86_400))
            #expect(kept.deleted == 0 && kept.prunedThrough == 0 && kept.confirmedThrough == first.toLSN)

            // Past it: the published changes go, a few per transaction; the unpublished ones stay, whatever their age.
            let steps = Mutex<[ChangeCaptureRetention.Report]>([])
            let cutoff = Timestamp.iso8601(clock.wallClock.now().addingTimeInterval(3_600))
            let pruned = try await retention.prune(olderThan: cutoff, batch: 3) { step in steps.withLock { $0.append(step) } }
            #expect(pruned.deleted == published && pruned.prunedThrough == first.toLSN)
            #expect(steps.withLock { $0.count } >= 2, "several batches")
            let left = try await Self.changeLog(store)
            #expect(left.count == Int64(all.count - published))
            #expect(try #require(left.lowest) > first.toLSN)
            let again = try await retention.prune(olderThan: cutoff, batch: 3)
            #expect(again.deleted == 0 && again.prunedThrough == first.toLSN, "pruning again changes nothing")

            // A read that would need the pruned changes is refused rather than silently short.
            await #expect(throws: ChangeCaptureRetention.RangePruned.self) {
                _ = try await feed.changes(after: .start, through: try await feed.horizon(), limit: 100)
            }
            await #expect(throws: ChangeCaptureRetention.RangePruned.self) {
                _ = try await runner.pipeline.stage(afterLSN: 0, throughLSN: try await feed.horizon(),
                                                    date: (2026, 11, 3), runID: "s1")
            }

            // The next run takes the rest from where the last one ended.
            let second = try await runner.run(date: "2026-11-03", runID: "r2")
            #expect(second.status == "published" && second.fromLSN == first.toLSN)
            let facts = try await app.runtime.warehouse.database.read { connection in
                try await connection.query("SELECT amount FROM fact_payment ORDER BY amount")
            }
            #expect(facts.map { $0.int("amount") } == [1000, 1100, 1200, 2000, 2100])

            // A warehouse that goes back (restored from a copy older than the pruning) is refused with the reason,
            // and the run changes nothing.
            _ = try await app.runtime.warehouse.database.write { connection in
                try await connection.execute("DELETE FROM etl_run")
            }
            do {
                _ = try await runner.run(date: "2026-11-03", runID: "r3")
                Issue.record("a run over a pruned range published")
            } catch let failure as EtlPipeline.Failure {
                #expect(failure.report.error?.contains("has been pruned") == true)
            }
            let factsAfter = try await app.runtime.warehouse.database.read { connection in
                try await connection.queryFirst("SELECT count(*) AS n FROM fact_payment")?.int("n")
            }
            #expect(factsAfter == 5)
        }
    }

    @Test(arguments: TestEngine.available)
    func idempotencyKeysPastTheirRetentionArePrunedInBatches(engine: TestEngine) async throws {
        let clock = ManualWallClock(start: 1_793_613_600)
        let app = try await RemitTestApp.make(engine, clock: clock.wallClock)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            for index in 0..<5 {
                let charge = try await client.post("/v1/charges", [("amount", "1000"), ("currency", "usd"), ("source", "tok_visa")],
                                                   key: merchant.key, idempotencyKey: "old-\(index)")
                #expect(charge.status == 200)
            }
            clock.advance(by: 20 * 3_600)
            _ = try await client.post("/v1/charges", [("amount", "1000"), ("currency", "usd"), ("source", "tok_visa")],
                                      key: merchant.key, idempotencyKey: "recent")
            clock.advance(by: 5 * 3_600)
            let removed = try await app.runtime.ledger.pruneIdempotencyKeys(olderThan: .seconds(86_400), batch: 2)
            #expect(removed == 5)
            // The pruned key is free again: another request with it runs anew instead of a mismatch error.
            let reused = try await client.post("/v1/charges", [("amount", "2500"), ("currency", "usd"), ("source", "tok_visa")],
                                               key: merchant.key, idempotencyKey: "old-0")
            #expect(reused.status == 200 && reused.json["amount"] as? Int == 2500)
            #expect(reused.header("Idempotent-Replayed") == nil)
            // The recent one is kept: the same key with other parameters is still an error.
            let mismatch = try await client.post("/v1/charges", [("amount", "2500"), ("currency", "usd"), ("source", "tok_visa")],
                                                 key: merchant.key, idempotencyKey: "recent")
            #expect(mismatch.status == 400)
        }
    }

    @Test(arguments: TestEngine.available)
    func eventsOlderThanThirtyDaysGoUnlessADeliveryWaitsForThemAndTheLedgerStillVerifies(engine: TestEngine) async throws {
        let clock = ManualWallClock(start: 1_793_613_600)
        let app = try await RemitTestApp.make(engine, clock: clock.wallClock)
        let store = app.runtime.store.database
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            var old: [String] = []
            for _ in 0..<5 {
                let charge = try await client.post("/v1/charges", [("amount", "1000"), ("currency", "usd"), ("source", "tok_visa")],
                                                   key: merchant.key)
                old.append(charge.id)
            }
            let refund = try await client.post("/v1/refunds", [("charge", old[0]), ("amount", "300")], key: merchant.key)
            #expect(refund.status == 200)
            let oldEvents = try await client.get("/v1/events", [("limit", "100")], key: merchant.key)
            let oldIDs = (oldEvents.json["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(oldIDs.count >= 6)
            // A delivery of one old event is still waiting (an endpoint that keeps failing, say): that event stays.
            let pinned = oldIDs[2]
            _ = try await store.write { connection in
                try await connection.execute("""
                    INSERT INTO webhook_deliveries (event_id, endpoint_id, account_id, status, attempt_count, next_attempt_at,
                        created_ms, manual)
                    VALUES (\(pinned), 'we_test', \(merchant.id), 'pending', 3, 0, 0, 0)
                    """)
            }

            clock.advance(by: 31 * 86_400)
            let recent = try await client.post("/v1/charges", [("amount", "2000"), ("currency", "usd"), ("source", "tok_visa")],
                                               key: merchant.key)
            let removed = try await EventRetention(database: store).prune(
                createdBefore: clock.wallClock.unixSeconds() - 30 * 86_400, batch: 2)
            #expect(removed == oldIDs.count - 1)

            let listed = try await client.get("/v1/events", [("limit", "100")], key: merchant.key)
            let listedIDs = Set((listed.json["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
            #expect(listedIDs.contains(pinned), "an event a delivery still waits for is kept")
            #expect(listedIDs.count == 2, "the pinned event and the recent charge's")
            let gone = try await client.get("/v1/events/\(oldIDs[0])", key: merchant.key)
            #expect(gone.status == 404)
            let charge = try await client.get("/v1/charges/\(recent.id)", key: merchant.key)
            #expect(charge.status == 200)
            // The old charges are still there; only their events went, and the verifier knows from when it can ask.
            let report = try await LedgerVerifier(database: store).verify()
            #expect(report.isConsistent, "\(report.problems)")
            #expect(report.chargesChecked == 6)
        }
    }
}
