import Foundation
import GradientBoosting
import RemitApp
import RemitCore
import RemitFraud
import RemitServices
import RemitSQL
import RemitStore
import RemitTesting
import Testing

struct RetrainingTests {
    /// Puts simulated, already-labelled decisions into `fraud_features`, created `ageDays` ago and earlier.
    static func seed(_ database: any SQLDatabase, now: Int64, customers: Int) async throws {
        var settings = TrafficGenerator.Settings()
        settings.customers = customers
        settings.days = 60
        settings.seed = 3
        let charges = TrafficGenerator(settings: settings).generate()
        var history = OfflineFeatureHistory()
        history.registerDisputes(charges)
        let start = now - 200 * 86_400
        var rows: [SQL] = []
        for (index, charge) in charges.enumerated() {
            let vector = history.vector(for: charge)
            let label = charge.disputedAt != nil ? 1 : 0
            rows.append("""
                (\("ch_sim\(index)"), \("acct_sim"), \(charge.key), \(start + charge.time), \(charge.amount), \(true),
                \(vector.json), \("approve"), \(false), \(label))
                """)
        }
        // A transaction per chunk: on PostgreSQL the feed's horizon is the cluster's oldest open transaction, so one
        // long seed would hold back every other test's change feed while the suite runs in parallel.
        var position = 0
        while position < rows.count {
            let chunk = Array(rows[position..<min(rows.count, position + 300)])
            _ = try await database.write { connection in
                try await connection.execute("""
                    INSERT INTO fraud_features (charge_id, account_id, risk_key, created, amount_major, approved, vector,
                        decision, applied, label) VALUES
                    """ + SQL.join(chunk, separator: ", "))
            }
            position += chunk.count
        }
    }

    @Test(arguments: TestEngine.available)
    func aFullRetrainBecomesTheChampionAndAnIncrementalOneAppendsTrees(engine: TestEngine) async throws {
        let clock = ManualWallClock(start: 1_790_000_000)
        let app = try await RemitTestApp.make(engine, clock: clock.wallClock)
        try await app.test { _ in
            let database = app.runtime.store.database
            try await Self.seed(database, now: 1_790_000_000, customers: 1_500)
            var settings = FraudRetraining.Settings()
            settings.fullWindow = 400 * 86_400
            settings.incrementalWindow = 400 * 86_400
            let retraining = FraudRetraining(database: database, clock: clock.wallClock, settings: settings)
            let full = try await retraining.run(.full, champion: nil)
            #expect(full.skipped == nil, "\(full)")
            #expect(full.promoted, "with no champion the first candidate is promoted")
            let auc = try #require(full.candidateMetrics?.auc)
            #expect(auc > 0.75, "\(full)")
            let registry = FraudModelRegistry(database: database, clock: clock.wallClock)
            let champion = try #require(try await registry.active().champion)
            clock.advance(by: 60)
            let incremental = try await retraining.run(.incremental, champion: nil)
            let candidate = try #require(incremental.candidate)
            let entries = try await registry.list()
            #expect(entries.contains { $0.version == candidate })
            let json = try #require(try await app.runtime.ledger.reading(accountID: "acct_sim") { try await $0.fraudModelJSON(version: candidate) })
            let appended = try FraudModel(version: candidate, json: Data(json.utf8))
            #expect(appended.ensemble.trees.count == champion.ensemble.scoredTreeCount + 20)
            #expect((try await registry.active().champion?.version == candidate) == incremental.promoted)
        }
    }

    @Test(arguments: TestEngine.available)
    func oneNodeClaimsEachScheduledRun(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { _ in
            let runs = ScheduledRuns(database: app.runtime.store.database)
            #expect(try await runs.claim(job: "j", period: "2026-W48", node: "a", now: 1))
            #expect(try await runs.claim(job: "j", period: "2026-W48", node: "b", now: 2) == false)
            #expect(try await runs.claim(job: "j", period: "2026-W49", node: "b", now: 3))
            try await runs.finish(job: "j", period: "2026-W48", now: 4, outcome: "ok")
            #expect(try await runs.recent().first { $0.period == "2026-W48" }?.outcome == "ok")
        }
    }
}
