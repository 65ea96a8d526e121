import Foundation
import RemitApp
import RemitETL
import RemitSQL
import RemitStore
import RemitTesting
import Testing

struct LakeStagingTests {
    @Test(arguments: TestEngine.available)
    func netChangesLandInHivePartitionsAndAnUnknownColumnStopsTheRun(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let kept = try await client.post("/v1/customers", [("email", "a@example.com")], key: merchant.key)
            _ = try await client.post("/v1/customers/\(kept.id)", [("name", "Ada")], key: merchant.key)
            let gone = try await client.post("/v1/customers", [], key: merchant.key)
            _ = try await client.delete("/v1/customers/\(gone.id)", key: merchant.key)
            for amount in ["1000", "2500"] {
                _ = try await client.post("/v1/charges", [("amount", amount), ("currency", "usd"), ("source", "tok_visa")],
                                          key: merchant.key)
            }
            let database = app.runtime.store.database
            let feed = ChangeFeed(database: database)
            try #require(try await feed.waitForHorizon(try await feed.latestWritten(), timeout: .seconds(120)))
            let horizon = try await feed.horizon()
            let lake = FileManager.default.temporaryDirectory.appendingPathComponent("lake-\(UUID().uuidString)").path
            let stager = EtlPipeline(store: database, warehouse: app.runtime.warehouse.database, lakeDirectory: lake)
            let reports = try await stager.stage(afterLSN: 0, throughLSN: horizon, date: (2026, 11, 5), runID: "t1")
            let byTable = Dictionary(uniqueKeysWithValues: reports.map { ($0.table, $0) })
            #expect(byTable["customer"]?.upserts == 1, "created then deleted in the range nets to nothing")
            #expect(byTable["customer"]?.deletes == 0)
            #expect(byTable["payment"]?.upserts == 2)
            #expect(byTable["merchant"]?.upserts ?? 0 >= 1)
            #expect(byTable["payment"]?.files == ["\(lake)/staging/payment/year=2026/month=11/day=5/payment_t1_0.parquet"])
            for file in byTable["payment"]?.files ?? [] {
                #expect(FileManager.default.fileExists(atPath: file))
                #expect(!FileManager.default.fileExists(atPath: file + ".tmp"))
            }
            #expect(FileManager.default.fileExists(atPath: "\(lake)/staging/payment/_schema.json"))
            #expect(byTable["refund"]?.files.isEmpty == true, "no change, no file")

            // A column the pipeline does not know: the run stops with a clear error.
            _ = try await database.write { connection in
                try await connection.execute("""
                    INSERT INTO change_log (tx_lsn, table_name, op, row_key, row_data, changed_at)
                    VALUES (\(horizon + 1_000_000), 'refunds', 2, 're_x', '{"id":"re_x","surprise":1}', '2026-11-05T00:00:00.000Z')
                    """)
            }
            await #expect(throws: LakeStager.SchemaChange.self) {
                _ = try await stager.stage(afterLSN: horizon, throughLSN: horizon + 1_000_000, date: (2026, 11, 6), runID: "t2")
            }
        }
    }
}

struct FXRateStoreTests {
    @Test(arguments: TestEngine.available)
    func ratesLoadIdempotentlyAndFeedTheConverter(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { _ in
            let store = FXRateStore(database: app.runtime.store.database)
            let parsed = try ECBRatesFile.parse("Date,USD,GBP\n2026-11-27,1.0500,0.8400\n2026-11-26,1.0400,N/A\n")
            let rows = parsed.map { (day: $0.date, currency: $0.currency, perEuro: $0.perEuro.description) }
            try await store.load(rows)
            try await store.load([(day: "2026-11-27", currency: "USD", perEuro: "1.0500")])
            let all = try await store.all()
            #expect(all.map(\.day) == ["2026-11-26", "2026-11-27", "2026-11-27"])
            let converter = CurrencyConverter(all.compactMap { row in
                ExchangeRate(row.perEuro).map { ECBRatesFile.Rate(date: row.day, currency: row.currency, perEuro: $0) }
            })
            #expect(try converter.usdCents(1000, currency: "GBP", exponent: 2, on: "2026-11-28") == 1250)
        }
    }
}
