import Foundation
import RemitApp
import RemitStore
import RemitTesting
import Synchronization
import Testing

struct ChangeCaptureTests {
    @Test(arguments: TestEngine.available)
    func everyWriteIsCapturedWithItsOperation(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let customer = try await client.post("/v1/customers", [("email", "a@example.com")], key: merchant.key)
            _ = try await client.post("/v1/customers/\(customer.id)", [("name", "A")], key: merchant.key)
            let charge = try await client.post("/v1/charges", [
                ("amount", "1000"), ("currency", "usd"), ("source", "tok_visa"),
            ], key: merchant.key)
            _ = try await client.post("/v1/refunds", [("charge", charge.id), ("amount", "100")], key: merchant.key)
            _ = try await client.delete("/v1/customers/\(customer.id)", key: merchant.key)
            let feed = ChangeFeed(database: app.runtime.store.database)
            // On PostgreSQL the horizon waits for every older transaction of the cluster to finish.
            #expect(try await feed.waitForHorizon(try await feed.latestWritten(), timeout: .seconds(120)))
            let changes = try await feed.changes(after: .start, through: try await feed.horizon(), limit: 10_000)
            func ops(_ table: String, _ key: String) -> [Int64] {
                changes.filter { $0.table == table && $0.rowKey == key }.map(\.operation.rawValue)
            }
            #expect(ops("customers", customer.id) == [2, 3, 4, 1])
            #expect(ops("charges", charge.id) == [2, 3, 4])
            #expect(changes.contains { $0.table == "refunds" && $0.operation == .insert })
            #expect(changes.filter { $0.table == "balance_transactions" }.count == 2)
            #expect(changes.contains { $0.table == "accounts" && $0.rowKey == merchant.id })
            let positions = changes.map(\.position)
            #expect(positions == positions.sorted(), "the feed is in commit order")
            let insert = try #require(changes.first { $0.table == "charges" && $0.operation == .insert })
            let image = try JSONSerialization.jsonObject(with: Data(insert.rowData.utf8)) as? [String: Any]
            #expect(image?["amount"] as? Int == 1000)
            #expect(image?["currency"] as? String == "usd")
        }
    }

    /// Concurrent writers and a reader that keeps catching up: every change row is read exactly once
    /// (research data.md §1.3: the naive sequence loses rows on PostgreSQL).
    @Test(arguments: TestEngine.available)
    func concurrentWritersLoseNoRowAndNoneIsReadTwice(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let feed = ChangeFeed(database: app.runtime.store.database)
            let writersDone = DoneFlag()
            let read = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        for index in 0..<25 {
                            let result = try await client.post("/v1/charges", [
                                ("amount", "\(1000 + writer * 100 + index)"), ("currency", "usd"), ("source", "tok_visa"),
                            ], key: merchant.key)
                            #expect(result.status == 200)
                        }
                        return []
                    }
                }
                group.addTask {
                    var position = FeedPosition.start
                    var seen: [Int64] = []
                    var target: Int64?
                    while true {
                        if target == nil && writersDone.value.load(ordering: .acquiring) {
                            target = try await feed.latestWritten()
                        }
                        let horizon = try await feed.horizon()
                        let batch = try await feed.changes(after: position, through: horizon, limit: 50)
                        seen += batch.map(\.position.sequence)
                        if let last = batch.last { position = last.position }
                        if batch.isEmpty {
                            if let target, horizon >= target { return seen }
                            try await Task.sleep(for: .milliseconds(2))
                        }
                    }
                }
                var collected: [Int64] = []
                var writersLeft = 8
                for try await result in group {
                    if writersLeft > 0 && result.isEmpty {
                        writersLeft -= 1
                        if writersLeft == 0 { writersDone.value.store(true, ordering: .releasing) }
                    } else {
                        collected = result
                    }
                }
                return collected
            }
            let all = try await feed.changes(after: .start, through: try await feed.latestWritten(), limit: 100_000)
            #expect(read.count == Set(read).count, "no change is read twice")
            #expect(Set(read) == Set(all.map(\.position.sequence)), "no change is lost")
            #expect(all.filter { $0.table == "charges" }.count == 200)
        }
    }

    @Test(arguments: TestEngine.available)
    func requestsAreLoggedWithTheirRouteTemplate(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let charge = try await client.post("/v1/charges", [
                ("amount", "1000"), ("currency", "usd"), ("source", "tok_visa"),
            ], key: merchant.key)
            _ = try await client.get("/v1/charges/\(charge.id)", key: merchant.key)
            _ = try await client.get("/v1/charges/ch_missing", key: merchant.key)
            let feed = ChangeFeed(database: app.runtime.store.database)
            var logs: [APILogEntry] = []
            for _ in 0..<500 where logs.count < 4 {
                try await Task.sleep(for: .milliseconds(20))
                logs = try await feed.apiLogs(after: .start, through: try await feed.horizon(), limit: 100).map(\.entry)
            }
            #expect(logs.count == 4)
            let retrieves = logs.filter { $0.endpoint == "/v1/charges/{id}" }
            #expect(retrieves.map(\.statusCode).sorted() == [200, 404])
            #expect(retrieves.allSatisfy { $0.merchantID == merchant.id && $0.method == "GET" })
            #expect(logs.allSatisfy { $0.requestID.hasPrefix("req_") && $0.timestamp.hasSuffix("Z") && $0.latencyMs > 0 })
        }
    }

    @Test(arguments: TestEngine.available)
    func verifierFindsTheLedgerConsistent(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            for source in ["tok_visa", "tok_mastercard", "tok_chargeDeclined", "tok_bypassPending"] {
                let charge = try await client.post("/v1/charges", [
                    ("amount", "2500"), ("currency", "eur"), ("source", source),
                ], key: merchant.key)
                if charge.status == 200 {
                    _ = try await client.post("/v1/refunds", [("charge", charge.id), ("amount", "500")], key: merchant.key)
                }
            }
            let report = try await LedgerVerifier(database: app.runtime.store.database).verify()
            #expect(report.isConsistent, "\(report.problems)")
            #expect(report.chargesChecked == 4)
        }
    }
}

final class DoneFlag: Sendable {
    let value = Atomic<Bool>(false)
}
