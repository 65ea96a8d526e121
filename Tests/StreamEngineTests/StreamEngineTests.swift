@testable import StreamEngine
import Testing

/// A seeded generator, so every run sees the same numbers.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

struct WindowBoundaryTests {
    @Test func aBoundaryInstantBelongsToTheWindowThatEndsThereUnderAzuresRule() {
        let azure = EventTimePolicy()
        let flink = EventTimePolicy(boundary: .startInclusive)
        let fiveMinutes: Int64 = 300_000
        let at1205: Int64 = 1_760_970_300_000  // 2025-10-20T14:25:00Z, a multiple of five minutes
        #expect(azure.windowEnd(of: at1205, size: fiveMinutes) == at1205)
        #expect(azure.windowEnd(of: at1205 + 1, size: fiveMinutes) == at1205 + fiveMinutes)
        #expect(azure.windowEnd(of: at1205 - fiveMinutes + 1, size: fiveMinutes) == at1205)
        #expect(flink.windowEnd(of: at1205, size: fiveMinutes) == at1205 + fiveMinutes)
        #expect(flink.windowEnd(of: at1205 - 1, size: fiveMinutes) == at1205)
        #expect(azure.windowEnd(of: -1, size: 1000) == 0 && flink.windowEnd(of: -1, size: 1000) == 0, "before 1970 too")
        #expect(!azure.isClosed(windowEnd: at1205, watermark: at1205), "an event at the end may still come")
        #expect(azure.isClosed(windowEnd: at1205, watermark: at1205 + 1))
        #expect(flink.isClosed(windowEnd: at1205, watermark: at1205))
    }
}

struct WatermarkTests {
    @Test func outOfOrderAndLateEventsAreAdjustedOrDroppedAndTheWatermarkNeverGoesBack() {
        let policy = EventTimePolicy(outOfOrderToleranceMs: 5_000, lateArrivalToleranceMs: 15_000)
        var tracker = WatermarkTracker()
        #expect(tracker.admit(eventTime: 100_000, arrival: nil, policy: policy) == .onTime(100_000))
        #expect(tracker.watermark == 95_000)
        #expect(tracker.admit(eventTime: 96_000, arrival: nil, policy: policy) == .onTime(96_000), "within the tolerance")
        #expect(tracker.admit(eventTime: 90_000, arrival: nil, policy: policy) == .outOfOrder(95_000), "taken at the watermark")
        #expect(tracker.watermark == 95_000)
        // Azure's documented example: event at 00:10:00 arriving at 00:10:40, late 15 s, out of order 5 s → 00:10:25.
        var live = WatermarkTracker()
        #expect(live.admit(eventTime: 600_000, arrival: 640_000, policy: policy) == .late(625_000))
        #expect(live.watermark == 620_000)
        live.heartbeat(floor: 610_000)
        #expect(live.watermark == 620_000, "a heartbeat never moves it back")
        live.heartbeat(floor: 700_000)
        #expect(live.watermark == 700_000)
        var strict = WatermarkTracker()
        let drop = EventTimePolicy(latePolicy: .drop)
        _ = strict.admit(eventTime: 10_000, arrival: nil, policy: drop)
        #expect(strict.admit(eventTime: 9_999, arrival: nil, policy: drop) == .dropped)
        #expect(strict.admit(eventTime: 20_000, arrival: 30_000, policy: drop) == .dropped, "late by 10 s, tolerance 5 s")
        strict.end()
        #expect(strict.watermark == Int64.max && strict.ended)
    }
}

struct PercentileContTests {
    /// The textbook formula on a sorted copy.
    static func reference(_ p: Double, _ values: [Double]) -> Double {
        let sorted = values.sorted()
        let h = Double(sorted.count - 1) * p
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }

    @Test func azuresDocumentedExample() {
        var values = [0.78, 0.89, 0.93, 0.98, 0.99]
        let result = PercentileCont.of(0.95, &values)!
        #expect(abs(result - 0.988) < 1e-12)
        var one = [42.0]
        #expect(PercentileCont.of(0.99, &one) == 42)
        var none: [Double] = []
        #expect(PercentileCont.of(0.5, &none) == nil)
    }

    @Test func selectionEqualsSortingOnRandomGroups() {
        var random = SplitMix64(state: 7)
        for round in 0..<400 {
            let n = Int.random(in: 1...(round < 200 ? 50 : 5_000), using: &random)
            // Integer milliseconds (many ties), then fractional ones.
            let values = (0..<n).map { _ in
                round % 2 == 0 ? Double(Int.random(in: 1...400, using: &random)) : Double.random(in: 0.1...900, using: &random)
            }
            for p in [0, 0.5, 0.9, 0.99, 0.999, 1] {
                var copy = values
                #expect(PercentileCont.of(p, &copy) == Self.reference(p, values), "n = \(n), p = \(p)")
            }
        }
    }
}

struct ErrorRateAlertRuleTests {
    @Test func twoAdjacentBreachesFireOnceAndTheFirstHealthyWindowResolves() {
        var rule = ErrorRateAlertRule(windowMs: 60_000)
        #expect(rule.observe(merchant: "m", windowEnd: 60_000, breach: true, errorRate: 0.1, requests: 100) == nil)
        #expect(rule.observe(merchant: "m", windowEnd: 120_000, breach: true, errorRate: 0.2, requests: 100)
                == .fired(merchant: "m", firstBreachEnd: 60_000, windowEnd: 120_000, errorRate: 0.2, requests: 100))
        #expect(rule.observe(merchant: "m", windowEnd: 180_000, breach: true, errorRate: 0.3, requests: 100) == nil,
                "still firing: no second notification")
        #expect(rule.firing == ["m"])
        #expect(rule.observe(merchant: "m", windowEnd: 240_000, breach: false, errorRate: 0, requests: 100)
                == .resolved(merchant: "m", firstBreachEnd: 60_000, windowEnd: 240_000))
        #expect(rule.firing.isEmpty)
    }

    @Test func aWindowWithoutTrafficResetsTheStreak() {
        var rule = ErrorRateAlertRule(windowMs: 60_000)
        _ = rule.observe(merchant: "m", windowEnd: 60_000, breach: true, errorRate: 0.5, requests: 10)
        #expect(rule.observe(merchant: "m", windowEnd: 180_000, breach: true, errorRate: 0.5, requests: 10) == nil,
                "the minute in between had no request: not two consecutive windows")
        #expect(rule.observe(merchant: "m", windowEnd: 240_000, breach: true, errorRate: 0.5, requests: 10) != nil)
        // Firing, then the merchant goes quiet: the watermark passing the next window end resolves it.
        #expect(rule.advance(closedThrough: 300_000, policy: EventTimePolicy()) == [], "300,000 itself may still get events")
        #expect(rule.advance(closedThrough: 300_001, policy: EventTimePolicy())
                == [.resolved(merchant: "m", firstBreachEnd: 180_000, windowEnd: 300_000)])
        var other = ErrorRateAlertRule(windowMs: 60_000)
        _ = other.observe(merchant: "a", windowEnd: 60_000, breach: true, errorRate: 1, requests: 1)
        #expect(other.observe(merchant: "b", windowEnd: 120_000, breach: true, errorRate: 1, requests: 1) == nil,
                "streaks are per merchant")
    }
}

struct StreamEngineTests {
    static func events(_ count: Int, seed: UInt64) -> [(time: Int64, merchant: String, endpoint: String, status: Int32, latency: Double)] {
        var random = SplitMix64(state: seed)
        var time: Int64 = 1_760_000_000_000
        return (0..<count).map { _ in
            time += Int64.random(in: 0...40, using: &random)
            let jitter = Int64.random(in: -2_000...0, using: &random)
            return (time + jitter, "acct_\(Int.random(in: 0..<7, using: &random))",
                    ["/v1/charges", "/v1/refunds", "/v1/customers"][Int.random(in: 0..<3, using: &random)],
                    Int.random(in: 0..<50, using: &random) == 0 ? 500 : 200, Double(Int.random(in: 5...900, using: &random)) / 4)
        }
    }

    static func run(_ events: ArraySlice<(time: Int64, merchant: String, endpoint: String, status: Int32, latency: Double)>,
                    _ engine: inout StreamEngine, into rows: inout [WindowRow]) {
        let source = engine.source("import:test")
        for event in events {
            let merchant = engine.interner.id(event.merchant)
            let endpoint = engine.interner.id(event.endpoint)
            engine.process(source: source, eventTime: event.time, arrival: nil, merchant: merchant, endpoint: endpoint,
                           statusCode: event.status, latency: event.latency)
        }
        rows += engine.closeReady().rows
    }

    @Test func restoredDeltasGiveTheSameRowsAsAnUninterruptedRun() {
        let events = Self.events(20_000, seed: 11)
        let policy = EventTimePolicy(outOfOrderToleranceMs: 1_000)
        let queries = [WindowQuery.apiPerformance, .merchantErrors(minimumRequests: 5)]
        var whole = StreamEngine(queries: queries, policy: policy, alertQuery: "merchant_errors")
        var expected: [WindowRow] = []
        Self.run(events[...], &whole, into: &expected)

        // The same stream, with the process "crashing" after each of several batches: a new engine is rebuilt from
        // the deltas made durable so far, then carries on.
        var durable: [StreamEngine.DurableDelta] = []
        var rows: [WindowRow] = []
        var engine = StreamEngine(queries: queries, policy: policy, alertQuery: "merchant_errors")
        var start = 0
        for end in [3_000, 3_001, 9_000, 14_500, 20_000] {
            Self.run(events[start..<end], &engine, into: &rows)
            durable.removeAll { delta in rows.contains { $0.query == delta.query && $0.windowEnd == delta.windowEnd } }
            durable += engine.takeDeltas()
            let checkpoint = engine.sources[engine.source("import:test")]
            var rebuilt = StreamEngine(queries: queries, policy: policy, alertQuery: "merchant_errors")
            rebuilt.restore(source: "import:test", watermark: checkpoint.watermark, alerts: checkpoint.alerts)
            // In the order they were made durable (averages then sum in arrival order); the interned ids are new.
            for item in durable { rebuilt.restore(item) }
            engine = rebuilt
            start = end
        }
        // Rows come out as windows close, batch by batch: compare them in one order.
        func ordered(_ rows: [WindowRow]) -> [WindowRow] {
            rows.sorted { ($0.query, $0.windowEnd, $0.keys.map { $0 ?? "" }.joined(separator: "|"))
                < ($1.query, $1.windowEnd, $1.keys.map { $0 ?? "" }.joined(separator: "|")) }
        }
        #expect(rows.count == expected.count)
        #expect(ordered(rows) == ordered(expected))
        #expect(engine.counters.outOfOrder + whole.counters.outOfOrder > 0, "the jitter made some events out of order")
    }

    @Test func rowsMatchAReferenceComputationAndNoEventLandsInAClosedWindow() {
        let events = Self.events(5_000, seed: 3)
        let policy = EventTimePolicy()  // out of order 0 s: jittered events are adjusted to the watermark
        var engine = StreamEngine(queries: [.apiPerformance], policy: policy)
        var rows: [WindowRow] = []
        let source = engine.source("import:ref")
        var admitted: [(time: Int64, merchant: String, endpoint: String, status: Int32, latency: Double)] = []
        var emittedThrough = Int64.min
        for event in events {
            let admission = engine.process(source: source, eventTime: event.time, arrival: nil,
                                           merchant: engine.interner.id(event.merchant),
                                           endpoint: engine.interner.id(event.endpoint),
                                           statusCode: event.status, latency: event.latency)
            let time = admission.time!
            #expect(policy.windowEnd(of: time, size: 300_000) > emittedThrough, "never into a window already emitted")
            admitted.append((time, event.merchant, event.endpoint, event.status, event.latency))
            let closed = engine.closeReady().rows
            if let last = closed.map(\.windowEnd).max() { emittedThrough = max(emittedThrough, last) }
            rows += closed
        }
        engine.end(source: source)
        rows += engine.closeReady().rows
        // The reference: group the admitted events and compute each aggregate the plain way.
        var groups: [String: [(status: Int32, latency: Double)]] = [:]
        for event in admitted {
            let key = "\(policy.windowEnd(of: event.time, size: 300_000))|\(event.merchant)|\(event.endpoint)"
            groups[key, default: []].append((event.status, event.latency))
        }
        #expect(rows.count == groups.count)
        for row in rows {
            let members = groups["\(row.windowEnd)|\(row.keys[0]!)|\(row.keys[1]!)"]!
            let latencies = members.map(\.latency)
            #expect(row.values[0] == .integer(Int64(members.count)))
            #expect(row.values[1] == .real(latencies.reduce(0, +) / Double(members.count)))
            #expect(row.values[2] == .real(PercentileContTests.reference(0.99, latencies)))
            #expect(row.values[3] == .integer(Int64(members.filter { $0.status >= 500 }.count)))
        }
    }
}
