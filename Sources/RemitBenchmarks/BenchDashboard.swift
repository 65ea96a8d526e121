import ArgumentParser
import Foundation
import RemitCommandSupport
import GradientBoosting
import Logging
import RemitApp
import RemitBench
import RemitCore
import RemitETL
import RemitSQL
import RemitStore
import RemitStreaming
import ServiceLifecycle
import StreamEngine

/// `remit bench dashboard`: every dashboard page's render time over a warehouse of generated payments. The history
/// goes through the real parts — charges, refunds, disputes and customer updates through the ledger (its change
/// capture), one nightly ETL run per day, a request log of two API requests per payment imported and windowed by
/// the stream processor, with one merchant's error spike on the last day — then `remit serve`'s application
/// answers each page many times over HTTP with the Bearer platform key. Reports the server's render time (its
/// `Server-Timing`) and the client's round trip, per page.
struct BenchDashboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard", abstract: "Each dashboard page's render time with generated payments in the warehouse.")

    @OptionGroup var store: StoreOptions
    @Option(help: "Payments in the warehouse, spread evenly over the days.") var payments = 1_000_000
    @Option(help: "Days of history, each loaded by its own nightly run.") var days = 30
    @Option var merchants = 20
    @Option(help: "Customers per merchant.") var customers = 250
    @Option(name: .customLong("requests-per-payment"), help: "API requests in the request log per payment.")
    var requestsPerPayment = 2
    @Option(help: "Requests per page, measured after five unmeasured ones.") var samples = 200
    @Option(help: "Port of the server under test.") var port = 4343
    @Option(help: "The pages to measure, comma-separated paths (default: all five).")
    var pages = Self.allPages.joined(separator: ",")
    @Option(name: .customLong("keep-in"), help: "Keep the generated history in this directory.") var keepIn: String?
    @Flag(name: .customLong("reuse"), help: "Measure the pages over --keep-in as it is, generating nothing.")
    var reuse = false

    static let allPages = ["/dashboard", "/dashboard/api", "/dashboard/fraud", "/dashboard/webhooks", "/dashboard/etl"]
    static let endpoints = ["/v1/charges", "/v1/refunds", "/v1/customers", "/v1/charges/{id}", "/v1/balance"]

    func validate() throws {
        if reuse && keepIn == nil && store.databaseURL == nil {
            throw ValidationError("--reuse measures a kept history: give --keep-in")
        }
        guard days >= 1, payments >= days, merchants >= 1 else { throw ValidationError("need a payment a day and a merchant") }
    }

    func run() async throws {
        lineBufferedOutput()
        var configuration = try store.benchConfiguration("dashboard", keepIn: keepIn)
        configuration.streamProcessor = false
        configuration.port = port
        configuration.adminKey = SecretKey.generate()
        configuration.stream.policy.outOfOrderToleranceMs = 5_000
        let logger = makeLogger(level: .error)
        let firstDay = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
                            - Double(days + 1) * 86_400)
        let now = SettableClock(firstDay)
        let runtime = try RemitRuntime(configuration: configuration, logger: logger, clock: WallClock { now.date })
        print("dashboard bench: store \(runtime.store.description), warehouse \(runtime.warehouse.description)")
        let (adminKey, port, samples, reuse) = (configuration.adminKey!, self.port, self.samples, self.reuse)
        let pages = self.pages.split(separator: ",").map(String.init)
        let generate: @Sendable () async throws -> Void = { try await self.generateHistory(runtime: runtime, firstDay: firstDay, now: now, logger: logger) }
        try await runtime.withStore(logger: logger) {
            try await runtime.prepare(logger: logger)
            if !reuse { try await generate() }
            // "Today" is the day after the history: the overview's 30 days end yesterday, as after a nightly run.
            now.set(firstDay.addingTimeInterval(Double(days) * 86_400 + 3_600))
            try await Self.describeWarehouse(runtime)
            let app = buildApplication(runtime, logger: logger)
            let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await services.run() }
                do {
                    try await OneShot.waitForHealth(host: "127.0.0.1", port: port)
                    try await Self.measure(pages, port: port, adminKey: adminKey, samples: samples)
                } catch {
                    await services.triggerGracefulShutdown()
                    throw error
                }
                await services.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        store.removeBenchData(configuration, keepIn: keepIn)
    }

    /// The days of payments through the ledger, each loaded by its nightly run, then the request log windowed.
    func generateHistory(runtime: RemitRuntime, firstDay: Date, now: SettableClock, logger: Logger) async throws {
        let ledger = runtime.ledger
        let accounts = try await BenchETL.createAccounts(merchants, customers: customers, ledger: ledger)
        try await BenchETL.loadRates(from: firstDay, days: days, into: runtime.store.database)
        let pipeline = runtime.etlRunner(logger: logger)
        let feed = ChangeFeed(database: runtime.store.database)
        let started = ContinuousClock.now
        for day in 0..<days {
            let dayStart = firstDay.addingTimeInterval(Double(day) * 86_400)
            let count = payments / days + (day < payments % days ? 1 : 0)
            now.set(dayStart.addingTimeInterval(3600))
            // Many payments per transaction: the history is the warehouse's input here, not the measure.
            try await BenchETL.generate(count, accounts: accounts, ledger: ledger, writers: 2, day: dayStart, now: now,
                                        perTransaction: 100)
            _ = try await feed.waitForHorizon(try await feed.latestWritten())
            let report = try await pipeline.run(date: BenchETL.isoDay(dayStart), runID: "bench-dashboard-\(day + 1)")
            let logs = Self.requestLog(day: day, last: day == days - 1, start: dayStart, count: count * requestsPerPayment,
                                       merchants: accounts.map(\.id))
            _ = try await ledger.importAPILogs(logs, name: "bench-day-\(day + 1)", file: "bench-day-\(day + 1).jsonl") { _ in }
            print(String(format: "day %d/%d (%@): %d payments, nightly run %@, %d request-log documents; %.0f s so far",
                         day + 1, days, BenchETL.isoDay(dayStart), count, report.status, logs.count,
                         BenchETL.seconds(ContinuousClock.now - started)))
        }
        let summary = try await runtime.streamProcessor(logger: logger).run(untilCaughtUp: true)
        print("stream processor: \(summary.events) events, \(summary.windows) window rows")
    }

    /// One day's request log in event-time order, up to half a second out of order, 2 % server errors. On the last
    /// day the first merchant also sends a burst from 12:00 to 13:00, two requests a second, 40 % of them answered
    /// 502: enough requests per minute for the error-rate alert to fire, then resolve.
    static func requestLog(day: Int, last: Bool, start: Date, count: Int, merchants: [String]) -> [APILogEntry] {
        var random = SeededGenerator(seed: 0xDA5B_0A2D &+ UInt64(day))
        func next() -> UInt64 { random.next() }
        let startMs = Int64(start.timeIntervalSince1970 * 1000)
        var requests: [(time: Int64, merchant: Int, status: Int)] = (0..<count).map { index in
            let time = max(startMs, startMs + Int64(index) * 86_400_000 / Int64(count) + Int64(next() % 1_001) - 500)
            return (time, Int(next() % UInt64(merchants.count)), next() % 50 == 0 ? 500 : 200)
        }
        if last {
            let spikeStart = startMs + 12 * 3_600_000
            requests += (0..<7_200).map { index in (spikeStart + Int64(index) * 500, 0, next() % 10 < 4 ? 502 : 200) }
            requests.sort { $0.time < $1.time }
        }
        return requests.enumerated().map { index, request in
            APILogEntry(logID: "log_\(day)_\(index)", merchantID: merchants[request.merchant],
                        endpoint: endpoints[Int(next() % UInt64(endpoints.count))], method: "POST",
                        statusCode: request.status, latencyMs: Double(20 + next() % 300),
                        timestamp: Timestamp.iso8601(unixMilliseconds: request.time), requestID: "req_\(day)_\(index)")
        }
    }

    static func describeWarehouse(_ runtime: RemitRuntime) async throws {
        let counts = try await runtime.warehouse.database.read { connection in
            var counts: [(String, Int64)] = []
            for table in ["fact_payment", "fact_refund", "fact_dispute", "fact_balance_transaction", "agg_merchant_daily",
                          "agg_fraud_daily", "fact_api_performance_realtime", "stream_alerts", "etl_run"] {
                counts.append((table, try await connection.queryFirst("SELECT count(*) AS n FROM \(raw: table)")?.int("n") ?? 0))
            }
            return counts
        }
        print("warehouse: " + counts.map { "\($0.0) \($0.1)" }.joined(separator: ", "))
    }

    /// Each page `samples` times in turn, one request at a time on a fresh connection.
    static func measure(_ pages: [String], port: Int, adminKey: String, samples: Int) async throws {
        print("(render: the server's Server-Timing, from the page's queries to its HTML; data: its queries, figures and "
              + "charts, the rest being templates; round trip: the client's, on a fresh connection)")
        func column(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
        print("page".padding(toLength: 20, withPad: " ", startingAt: 0)
              + ["render p50", "render p99", "render max", "data p50", "KiB", "round trip p50", "round trip p99"].map { column($0, 15) }.joined())
        for page in pages {
            var render: [Double] = []
            var data: [Double] = []
            var roundTrip: [Double] = []
            var size = 0
            for sample in 0..<(samples + 5) {
                let sent = ContinuousClock.now
                let response = try await OneShot.get(host: "127.0.0.1", port: port, path: page, bearer: adminKey)
                let elapsed = BenchETL.seconds(ContinuousClock.now - sent) * 1000
                guard response.status == 200 else {
                    throw ValidationError("\(page) answered \(response.status): \(response.body.prefix(300))")
                }
                // "render;dur=T, data;dur=D, template;dur=P"
                let timing = (response.headers["server-timing"] ?? "").split(separator: ",").compactMap { part in
                    part.split(separator: "=").last.flatMap { Double($0) }
                }
                guard timing.count == 3 else { throw ValidationError("\(page) sent no Server-Timing") }
                let value = timing[0]
                guard sample >= 5 else { continue }
                render.append(value)
                data.append(timing[1])
                roundTrip.append(elapsed)
                size = response.body.utf8.count
            }
            func quantile(_ values: [Double], _ q: Double) -> Double {
                let sorted = values.sorted()
                return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * q).rounded(.up)))]
            }
            let figures = [quantile(render, 0.5), quantile(render, 0.99), render.max() ?? 0, quantile(data, 0.5), Double(size) / 1024,
                           quantile(roundTrip, 0.5), quantile(roundTrip, 0.99)]
            print(page.padding(toLength: 20, withPad: " ", startingAt: 0)
                  + figures.map { column(String(format: "%.2f", $0), 15) }.joined())
        }
    }
}
