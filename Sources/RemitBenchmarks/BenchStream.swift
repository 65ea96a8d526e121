import ArgumentParser
import Foundation
import GradientBoosting
import RemitCommandSupport
import Logging
import Parquet
import RemitApp
import RemitCore
import RemitStore
import RemitStreaming
import StreamEngine
import Synchronization

/// `remit bench stream` (out-of-order tolerance 5 s, as the research's Flink job): (a) the window engine alone over N synthetic events in memory (the research's "dense" shape:
/// 200 merchants × 5 endpoints at 10,000 events/s, ±2 s jitter, 2 % of 5xx, log-normal integer latencies), with
/// `--parquet` writing the same events for the DuckDB peer (`scripts/bench-stream`); (b) end to end on a fresh store:
/// the documents written to the request log (timed on their own), then read through the change feed by the stream
/// processor with every window committed to the warehouse; (c) live: documents arriving at a steady rate on the
/// wall clock while the processor runs, and the delay from a window's end to its row's commit.
struct BenchStream: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stream", abstract: "The stream processor's throughput and latency.")

    @OptionGroup var store: StoreOptions
    @Option(help: "Events for the engine alone.") var events = 10_000_000
    @Option(name: .customLong("end-to-end"), help: "Documents for the end-to-end run (0 to skip).") var endToEnd = 1_000_000
    @Option(name: .customLong("live-seconds"), help: "Seconds of live traffic (0 to skip).") var liveSeconds = 0
    @Option(name: .customLong("live-rate"), help: "Live documents per second.") var liveRate = 10_000
    @Option(help: "Write the engine's events to this Parquet file for the DuckDB peer.") var parquet: String?
    @Option(name: .customLong("keep-in"), help: "Keep the end-to-end store in this directory.") var keepIn: String?

    /// The generated events, in arrival order.
    struct Events {
        var time: [Int64] = []
        var merchant: [UInt32] = []
        var endpoint: [UInt32] = []
        var status: [Int32] = []
        var latency: [Double] = []
    }

    static let merchants = (0..<200).map { "acct_\($0)" }
    static let endpoints = ["/v1/charges", "/v1/refunds", "/v1/customers", "/v1/charges/{id}", "/v1/balance"]
    static let start: Int64 = 1_760_968_800_000

    static func generate(_ count: Int) -> Events {
        var events = Events()
        events.time.reserveCapacity(count)
        var random = SeededGenerator(seed: 0x57EA)
        func next() -> UInt64 { random.next() }
        func uniform() -> Double { random.nextUnit() }
        for index in 0..<count {
            // 10,000 events a second, each up to 2 s early or late.
            let jitter = Int64(next() % 4_001) - 2_000
            events.time.append(start + Int64(index) / 10 + jitter)
            events.merchant.append(UInt32(next() % 200) + 1)
            events.endpoint.append(UInt32(next() % 5) + 201)
            events.status.append(next() % 50 == 0 ? 500 : 200)
            // Log-normal latency (median ~60 ms), whole milliseconds, by Box–Muller.
            let normal = (-2 * log(max(uniform(), 1e-12))).squareRoot() * cos(2 * Double.pi * uniform())
            events.latency.append(max(1, (exp(4.1 + 0.6 * normal)).rounded()))
        }
        return events
    }

    func run() async throws {
        lineBufferedOutput()
        if events > 0 { try engineAlone() }
        if endToEnd > 0 || liveSeconds > 0 { try await storeRuns() }
    }

    /// (a) The engine alone, closing windows every 10,000 events as the processor's batches do.
    func engineAlone() throws {
        print("generating \(events) events …")
        let generated = Self.generate(events)
        if let parquet { try Self.writeParquet(generated, to: parquet) }
        var engine = StreamEngine(queries: [.apiPerformance, .merchantErrors(minimumRequests: 20)],
                                  policy: EventTimePolicy(outOfOrderToleranceMs: 5_000), alertQuery: "merchant_errors")
        for merchant in Self.merchants { _ = engine.interner.id(merchant) }
        for endpoint in Self.endpoints { _ = engine.interner.id(endpoint) }
        // Ids 1…200 are the merchants, 201…205 the endpoints, as generated.
        let source = engine.source("bench")
        var rows = 0
        var alerts = 0
        let started = ContinuousClock.now
        generated.time.withUnsafeBufferPointer { time in
            for index in 0..<time.count {
                engine.process(source: source, eventTime: time[index], arrival: nil, merchant: generated.merchant[index],
                               endpoint: generated.endpoint[index], statusCode: generated.status[index],
                               latency: generated.latency[index])
                if index % 10_000 == 9_999 {
                    let closed = engine.closeReady()
                    rows += closed.rows.count
                    alerts += closed.transitions.count
                }
            }
        }
        engine.end(source: source)
        let closed = engine.closeReady()
        rows += closed.rows.count
        alerts += closed.transitions.count
        let seconds = Self.seconds(ContinuousClock.now - started)
        print(String(format: "engine alone: %d events in %.3f s = %.0f events/s; %d window rows (%d alert transitions), "
                     + "%lld out of order", events, seconds, Double(events) / seconds, rows, alerts, engine.counters.outOfOrder))
    }

    static func writeParquet(_ events: Events, to path: String) throws {
        let writer = try ParquetFileWriter(path: path, schema: ParquetSchema([
            ParquetColumn("merchant_id", .string, dictionary: true), ParquetColumn("endpoint", .string, dictionary: true),
            ParquetColumn("status_code", .int64), ParquetColumn("latency_ms", .double), ParquetColumn("ts_ms", .int64),
        ]))
        try writer.write(rowGroup: [
            .init(.string(events.merchant.map { merchants[Int($0) - 1] })),
            .init(.string(events.endpoint.map { endpoints[Int($0) - 201] })),
            .init(.int64(events.status.map(Int64.init))), .init(.double(events.latency)), .init(.int64(events.time)),
        ])
        try writer.close()
        print("wrote \(events.time.count) events to \(path)")
    }

    /// (b) and (c): through a fresh store.
    func storeRuns() async throws {
        var configuration = try store.benchConfiguration("stream", keepIn: keepIn)
        configuration.stream.policy.outOfOrderToleranceMs = 5_000
        let logger = makeLogger(level: .error)
        let runtime = try RemitRuntime(configuration: configuration, logger: logger)
        print("store \(runtime.store.description), warehouse \(runtime.warehouse.description)")
        let (documents, liveSeconds, liveRate) = (endToEnd, self.liveSeconds, self.liveRate)
        try await runtime.withStore(logger: logger) {
            try await runtime.prepare(logger: logger)
            if documents > 0 { try await Self.endToEnd(documents, runtime: runtime, logger: logger) }
            if liveSeconds > 0 { try await Self.live(seconds: liveSeconds, rate: liveRate, runtime: runtime, logger: logger) }
        }
        store.removeBenchData(configuration, keepIn: keepIn)
    }

    static func entries(_ events: Events, from: Int, to: Int, received: Int64?) -> [APILogEntry] {
        (from..<to).map { index in
            APILogEntry(logID: "log_\(index)", merchantID: merchants[Int(events.merchant[index]) - 1],
                        endpoint: endpoints[Int(events.endpoint[index]) - 201], method: "POST",
                        statusCode: Int(events.status[index]), latencyMs: events.latency[index],
                        timestamp: Timestamp.iso8601(unixMilliseconds: events.time[index]), requestID: "req_\(index)",
                        receivedMs: received)
        }
    }

    static func endToEnd(_ count: Int, runtime: RemitRuntime, logger: Logger) async throws {
        let generated = generate(count)
        let documents = entries(generated, from: 0, to: count, received: nil)
        let written = ContinuousClock.now
        _ = try await runtime.ledger.importAPILogs(documents, name: "bench", file: "bench") { done in
            if done % 200_000 == 0 { print("  written \(done)") }
        }
        let writeSeconds = seconds(ContinuousClock.now - written)
        print(String(format: "end to end, writing: %d documents in %.2f s = %.0f documents/s", count, writeSeconds,
                     Double(count) / writeSeconds))
        let processed = ContinuousClock.now
        let summary = try await runtime.streamProcessor(logger: logger).run(untilCaughtUp: true)
        let processSeconds = seconds(ContinuousClock.now - processed)
        print(String(format: "end to end, processing (feed → windows → committed rows): %lld events in %.2f s = "
                     + "%.0f events/s; %lld window rows", summary.events, processSeconds,
                     Double(summary.events) / processSeconds, summary.windows))
        print(String(format: "end to end, writing and processing: %.0f events/s", Double(count) / (writeSeconds + processSeconds)))
    }

    /// Live documents stamped and received now, written every 100 ms as the API's request-log writer does, with the
    /// processor running beside; reports the delay from each closed live window's end to its commit.
    static func live(seconds: Int, rate: Int, runtime: RemitRuntime, logger: Logger) async throws {
        // Live traffic with Azure's defaults (out of order 0 s, late 5 s): a window closes as soon as a document
        // after its end is read, or by heartbeat 6 s after its end when traffic stops.
        var configuration = runtime.configuration.stream
        configuration.policy = EventTimePolicy()
        let processor = StreamProcessor(store: runtime.store.database, warehouse: runtime.warehouse.database,
                                        configuration: configuration, alerting: runtime.alerting, clock: runtime.ledger.clock,
                                        stats: runtime.streamStats, node: "bench-live", logger: logger)
        let ledger = runtime.ledger
        print("live: \(rate) documents/s for \(seconds) s, processor running")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { _ = try await processor.run() }
            let started = ContinuousClock.now
            var sent = 0
            var random: UInt64 = 1
            while ContinuousClock.now - started < .seconds(seconds) {
                let due = Int(Double(rate) * BenchStream.seconds(ContinuousClock.now - started))
                if due > sent {
                    let now = ledger.clock.unixMilliseconds().value
                    let batch = (sent..<due).map { index -> APILogEntry in
                        random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                        return APILogEntry(logID: "live_\(index)", merchantID: merchants[Int(random >> 40) % 50],
                                           endpoint: endpoints[Int(random >> 20) % 5], method: "POST",
                                           statusCode: random % 50 == 0 ? 500 : 200, latencyMs: Double(20 + random % 200),
                                           timestamp: Timestamp.iso8601(unixMilliseconds: now), requestID: "req_\(index)")
                    }
                    try await ledger.appendAPILogs(batch)
                    sent = due
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            try await Task.sleep(for: .seconds(8))  // the heartbeat closes the last minute
            group.cancelAll()
        }
        let readings = runtime.streamStats.readings(nowMs: runtime.ledger.clock.unixMilliseconds().value)
        let json = runtime.streamStats.json(nowMs: runtime.ledger.clock.unixMilliseconds().value).rendered()
        for reading in readings {
            print("live: \(reading.name) = \(reading.value.map { String(format: "%.1f", $0) } ?? "–") (threshold \(reading.threshold))")
        }
        print("live stats: \(json)")
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
