import Foundation
import RemitAlerts
import RemitApp
import RemitCore
import RemitSQL
import RemitStore
import RemitStreaming
import RemitTesting
import StreamEngine
import Synchronization
import Testing

/// The stream processor end to end on both engines: documents through the request log's change feed, windows into
/// the warehouse, alerts through the sinks.
struct StreamProcessorTests {
    /// 2025-10-20T14:00:00Z.
    static let base: Int64 = 1_760_968_800_000

    static func document(_ index: Int, merchant: String?, endpoint: String = "/v1/charges", status: Int = 200,
                         latency: Double, at ms: Int64) -> APILogEntry {
        APILogEntry(logID: "log_\(index)", merchantID: merchant, endpoint: endpoint, method: "POST", statusCode: status,
                    latencyMs: latency, timestamp: Timestamp.iso8601(unixMilliseconds: ms), requestID: "req_\(index)")
    }

    static func processor(_ app: RemitTestApp, clock: WallClock? = nil, node: String = "test-node",
                          configure: (inout StreamProcessor.Configuration) -> Void = { _ in }) -> StreamProcessor {
        var configuration = app.runtime.configuration.stream
        configuration.pollInterval = .milliseconds(5)
        configure(&configuration)
        return StreamProcessor(store: app.runtime.store.database, warehouse: app.runtime.warehouse.database,
                               configuration: configuration, alerting: app.runtime.alerting,
                               clock: clock ?? app.runtime.ledger.clock, stats: StreamStats(registry: nil), node: node,
                               logger: makeTestLogger())
    }

    static func performance(_ app: RemitTestApp) async throws -> [SQLRow] {
        try await app.runtime.warehouse.database.read { connection in
            try await connection.query("""
                SELECT window_end, merchant_id, endpoint, request_count, avg_latency, p99_latency, error_count, window_end_ms
                FROM fact_api_performance_realtime ORDER BY window_end_ms, merchant_id, endpoint
                """)
        }
    }

    /// A deterministic history: 3 merchants × 2 endpoints over a quarter of an hour, events on window boundaries,
    /// a burst of 5xx, some out-of-order jitter.
    static func history(count: Int = 3_000) -> [APILogEntry] {
        var random = SplitMix(state: 42)
        var time = base
        return (0..<count).map { index in
            time += Int64(random.next() % 600)
            let jitter = Int64(random.next() % 3) * -700
            let onBoundary = index % 400 == 0 ? (time / 300_000 + 1) * 300_000 : time + jitter
            let merchant = ["acct_a", "acct_b", "acct_c"][Int(random.next() % 3)]
            let endpoint = random.next() % 2 == 0 ? "/v1/charges" : "/v1/refunds"
            return document(index, merchant: merchant, endpoint: endpoint, status: random.next() % 25 == 0 ? 502 : 200,
                            latency: Double(5 + random.next() % 2_000) / 8, at: onBoundary)
        }
    }

    @Test(arguments: TestEngine.available)
    func anImportIsWindowedExactlyAndItsEndClosesTheLastWindows(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { _ in
            let documents = Self.history()
            _ = try await app.runtime.ledger.importAPILogs(documents, name: "gateway", file: "gateway.jsonl")
            let summary = try await Self.processor(app).run(untilCaughtUp: true)
            #expect(summary.events == Int64(documents.count))
            #expect(summary.partitions == APILogPartitions.count)
            let rows = try await Self.performance(app)
            // The reference: the same admission (out of order 0 s: an event older than the newest so far is taken
            // at the newest), then plain grouping with the textbook PERCENTILE_CONT.
            let policy = EventTimePolicy()
            var newest: [Int: Int64] = [:]
            var groups: [String: [(latency: Double, status: Int)]] = [:]
            for document in documents {
                let partition = APILogPartitions.of(document.merchantID)
                let time = max(Timestamp.unixMicroseconds(iso: document.timestamp)! / 1000, newest[partition] ?? Int64.min)
                newest[partition] = time
                let key = "\(policy.windowEnd(of: time, size: 300_000))|\(document.merchantID!)|\(document.endpoint)"
                groups[key, default: []].append((document.latencyMs, document.statusCode))
            }
            #expect(rows.count == groups.count, "every window closed once the import ended")
            for row in rows {
                let members = try #require(groups["\(row.int("window_end_ms"))|\(row.string("merchant_id"))|\(row.string("endpoint"))"])
                let latencies = members.map(\.latency).sorted()
                let h = Double(latencies.count - 1) * 0.99
                let lo = Int(h.rounded(.down))
                let hi = min(lo + 1, latencies.count - 1)
                #expect(row.int("request_count") == Int64(members.count))
                #expect(row.int("error_count") == Int64(members.filter { $0.status >= 500 }.count))
                #expect(row.double("avg_latency") == members.map(\.latency).reduce(0, +) / Double(members.count))
                #expect(row.double("p99_latency") == latencies[lo] + (h - Double(lo)) * (latencies[hi] - latencies[lo]))
                #expect(row.string("window_end") == Timestamp.iso8601(unixMilliseconds: row.int("window_end_ms")))
            }
            let again = try await Self.processor(app).run(untilCaughtUp: true)
            #expect(again.events == 0 && again.windows == 0, "a second pass finds nothing new")
        }
    }

    @Test(arguments: TestEngine.available)
    func liveWindowsCloseByHeartbeatAndLateDocumentsAreAdjusted(engine: TestEngine) async throws {
        let clock = ManualWallClock(start: Double(Self.base) / 1000 + 30)
        let app = try await RemitTestApp.make(engine, clock: clock.wallClock)
        try await app.test { _ in
            let ledger = app.runtime.ledger
            // Live traffic received now (14:00:30): two on time, one stamped 20 s before its arrival (late by 15 s).
            try await ledger.appendAPILogs([
                Self.document(1, merchant: "acct_live", latency: 10, at: Self.base + 29_000),
                Self.document(2, merchant: "acct_live", latency: 20, at: Self.base + 30_000),
                Self.document(3, merchant: "acct_live", latency: 30, at: Self.base + 10_000),
            ])
            let processor = Self.processor(app, clock: clock.wallClock)
            _ = try await processor.run(untilCaughtUp: true)
            #expect(try await Self.performance(app).isEmpty, "the window ending 14:05 is still open")
            clock.advance(by: 275)  // 14:05:05, idle: the heartbeat may move the watermark to 14:05:05 − 5 s − 1 s
            _ = try await processor.run(untilCaughtUp: true)
            #expect(try await Self.performance(app).isEmpty, "14:04:59 has not passed the window's end")
            clock.advance(by: 2)  // 14:05:07: the watermark is at 14:05:01
            _ = try await processor.run(untilCaughtUp: true)
            let rows = try await Self.performance(app)
            #expect(rows.count == 1)
            #expect(rows.first?.int("request_count") == 3, "the late one was adjusted into the same window, not lost")
            #expect(rows.first?.string("window_end") == "2025-10-20T14:05:00.000Z")
        }
    }

    @Test(arguments: TestEngine.available)
    func liveTrafficAndAnImportOfTheSameWindowKeepARowEach(engine: TestEngine) async throws {
        let clock = ManualWallClock(start: Double(Self.base) / 1000 + 30)
        let app = try await RemitTestApp.make(engine, clock: clock.wallClock)
        try await app.test { _ in
            let ledger = app.runtime.ledger
            try await ledger.appendAPILogs([
                Self.document(1, merchant: "acct_x", latency: 10, at: Self.base + 29_000),
                Self.document(2, merchant: "acct_x", status: 503, latency: 20, at: Self.base + 30_000),
            ])
            // Another gateway's logs of the same merchant, endpoint and minutes.
            _ = try await ledger.importAPILogs(
                (0..<3).map { Self.document(10 + $0, merchant: "acct_x", latency: 100, at: Self.base + 20_000 + Int64($0)) },
                name: "gateway", file: "gateway.jsonl")
            let processor = Self.processor(app, clock: clock.wallClock)
            _ = try await processor.run(untilCaughtUp: true)
            clock.advance(by: 300)  // 14:05:30: the live windows close by heartbeat
            _ = try await processor.run(untilCaughtUp: true)
            let performance = try await app.runtime.warehouse.database.read { connection in
                try await connection.query("""
                    SELECT source, request_count, error_count, avg_latency FROM fact_api_performance_realtime
                    WHERE window_end = '2025-10-20T14:05:00.000Z' AND merchant_id = 'acct_x' AND endpoint = '/v1/charges'
                    ORDER BY source
                    """)
            }
            #expect(performance.map { $0.string("source") } == ["import:gateway", "live"])
            #expect(performance.map { $0.int("request_count") } == [3, 2])
            #expect(performance.map { $0.int("error_count") } == [0, 1])
            #expect(performance.map { $0.double("avg_latency") } == [100, 15])
            let errors = try await app.runtime.warehouse.database.read { connection in
                try await connection.query("""
                    SELECT source, total_requests FROM fact_merchant_errors_realtime
                    WHERE window_end = '2025-10-20T14:01:00.000Z' AND merchant_id = 'acct_x' ORDER BY source
                    """)
            }
            #expect(errors.map { $0.string("source") } == ["import:gateway", "live"])
            #expect(errors.map { $0.int("total_requests") } == [3, 2])
        }
    }

    @Test(arguments: TestEngine.available)
    func anErrorSpikeFiresOnceOverTwoMinutesAndResolvesOnTheFirstHealthyOne(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { _ in
            var documents: [APILogEntry] = []
            // Minutes 1–5 of 14:00: 40 requests each; minutes 2, 3 and 4 have 10 % of 5xx, minute 5 is healthy.
            for minute in 0..<5 {
                for index in 0..<40 {
                    let failing = (1...3).contains(minute) && index % 10 == 0
                    documents.append(Self.document(minute * 100 + index, merchant: "acct_spike", status: failing ? 500 : 200,
                                                   latency: 50, at: Self.base + Int64(minute) * 60_000 + Int64(index) * 1_000 + 500))
                }
            }
            _ = try await app.runtime.ledger.importAPILogs(documents, name: "spike", file: "spike.jsonl")
            let summary = try await Self.processor(app).run(untilCaughtUp: true)
            #expect(summary.alertsFired == 1 && summary.alertsResolved == 1)
            let minutes = try await app.runtime.warehouse.database.read { connection in
                try await connection.query("""
                    SELECT window_end, total_requests, error_count, error_rate, breach FROM fact_merchant_errors_realtime
                    ORDER BY window_end_ms
                    """)
            }
            try #require(minutes.map { $0.int("breach") } == [0, 1, 1, 1, 0])
            #expect(minutes[1].double("error_rate") == 0.1 && minutes[1].int("total_requests") == 40)
            let alerts = try await AlertLog(database: app.runtime.store.database).recent(limit: 10, source: "streaming")
            #expect(alerts.map { $0.string("kind") } == ["error_rate", "error_rate"])
            #expect(alerts.map { $0.string("severity") } == ["info", "critical"], "newest first: resolved, then fired")
            let states = try await app.runtime.warehouse.database.read { connection in
                try await connection.query("SELECT state, first_breach_end_ms, fired_window_end_ms, fire_notified, resolve_notified FROM stream_alerts")
            }
            try #require(states.count == 1)
            #expect(states[0].string("state") == "resolved")
            #expect(states[0].int("fired_window_end_ms") - states[0].int("first_breach_end_ms") == 60_000,
                    "fired at the close of the second adjacent breaching minute")
            #expect(states[0].int("fire_notified") == 1 && states[0].int("resolve_notified") == 1)
        }
    }

    @Test(arguments: TestEngine.available)
    func aProcessorStoppedMidStreamLeavesEveryWindowToBeWrittenOnceByTheNext(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { _ in
            let documents = Self.history(count: 4_000)
            _ = try await app.runtime.ledger.importAPILogs(documents, name: "crash", file: "crash.jsonl")
            // Reference: one uninterrupted run into a second, fresh app.
            let reference = try await RemitTestApp.make(engine)
            let expected = try await reference.test { _ in
                _ = try await reference.runtime.ledger.importAPILogs(documents, name: "crash", file: "crash.jsonl")
                _ = try await Self.processor(reference).run(untilCaughtUp: true)
                return try await Self.performance(reference).map(Self.describe)
            }
            // A processor reading 97 documents a batch and checkpointing at every one, stopped after a few commits.
            let first = Self.processor(app, node: "node-a") {
                $0.batchSize = 97
                $0.checkpointInterval = .zero
                $0.leaseDuration = .milliseconds(300)  // if it cannot hand over, its leases lapse quickly
            }
            // It stops (its task cancelled) once it has read a quarter of the documents: at a commit, as a kill
            // between two commits would leave it (a kill inside one rolls that commit back). Its own child task:
            // cancelling the test's task would cancel everything the test does after it.
            let stopped = try await withThrowingTaskGroup(of: StreamProcessor.Summary.self) { group in
                group.addTask {
                    try await first.run { summary in
                        if summary.events >= 1_000 { withUnsafeCurrentTask { $0?.cancel() } }
                    }
                }
                return try await group.next()!
            }
            #expect(stopped.events >= 1_000 && stopped.events < 2_000)
            try await Task.sleep(for: .milliseconds(400))
            let partial = try await Self.performance(app).count
            let open = try await app.runtime.warehouse.database.read { connection in
                try await connection.queryFirst("SELECT count(*) AS n FROM stream_window_parts")?.int("n") ?? 0
            }
            #expect(open > 0, "windows were open when it stopped")
            // Another processor takes over from the checkpoints and the open windows' parts.
            let second = Self.processor(app, node: "node-b") { $0.batchSize = 500 }
            _ = try await second.run(untilCaughtUp: true)
            let rows = try await Self.performance(app).map(Self.describe)
            #expect(rows == expected, "the same windows as an uninterrupted run (\(partial) were written before the stop)")
            #expect(Set(rows).count == rows.count)
        }
    }

    static func describe(_ row: SQLRow) -> String {
        "\(row.string("window_end")) \(row.string("merchant_id")) \(row.string("endpoint")) \(row.int("request_count")) "
            + "\(row.double("avg_latency")) \(row.double("p99_latency")) \(row.int("error_count"))"
    }

    @Test func jsonLinesAreCheckedForWhatCanBeStored() {
        let text = """
            {"log_id":"a","merchant_id":"acct_1","endpoint":"/v1/charges","status_code":200,"latency_ms":87,"timestamp":"2025-10-20T14:23:45Z"}

            {"log_id":"b","merchant_id":null,"endpoint":"/v1/x","status_code":503,"latency_ms":1.5,"timestamp":"not a time","method":"GET"}
            [1, 2]
            {"log_id":"c","endpoint":"/v1/x","status_code":"200","latency_ms":1,"timestamp":"2025-10-20T14:23:45Z"}
            {"log_id":"d","endpoint":"/v1/x","status_code":200,"timestamp":"2025-10-20T14:23:45Z"}
            """
        let (documents, invalid) = APILogFile.parse(text)
        #expect(documents.map(\.logID) == ["a", "b"], "a timestamp is judged by the processor, not here")
        #expect(documents[1].merchantID == nil && documents[1].method == "GET")
        #expect(invalid == [.init(line: 4, reason: "not a JSON object"), .init(line: 5, reason: "status_code must be an integer"),
                            .init(line: 6, reason: "latency_ms must be a number")])
    }

    @Test(arguments: TestEngine.available)
    func documentsThatDoNotConvertAreQuarantinedAndCounted(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { _ in
            var documents = (0..<10).map { Self.document($0, merchant: "acct_q", latency: 5, at: Self.base + 500 + Int64($0) * 1000) }
            documents[3].timestamp = "yesterday"
            documents[6].statusCode = 7
            _ = try await app.runtime.ledger.importAPILogs(documents, name: "q", file: "q.jsonl")
            let summary = try await Self.processor(app).run(untilCaughtUp: true)
            #expect(summary.conversionErrors == 2 && summary.events == 10)
            let quarantined = try await app.runtime.warehouse.database.read { connection in
                try await connection.query("SELECT log_id, reason FROM stream_quarantine ORDER BY log_id")
            }
            #expect(quarantined.map { $0.string("log_id") } == ["log_3", "log_6"])
            let windows = try await Self.performance(app)
            #expect(windows.count == 1 && windows.first?.int("request_count") == 8, "\(windows.map(Self.describe))")
        }
    }
}

/// A seeded generator for deterministic histories.
struct SplitMix: Sendable {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
