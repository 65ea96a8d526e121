import ArgumentParser
import Foundation
import RemitCommandSupport
import Hummingbird
import Logging
import RemitApp
import RemitBench
import RemitCore
import RemitETL
import RemitFraud
import RemitSQL
import RemitStore
import RemitStreaming
import RemitWebhooks
import ServiceLifecycle
import UnixSignals

/// `remit demo`: the whole platform working, in about a minute. A fresh data dir on embedded SQLite; the server;
/// two merchants and a webhook receiver; then a month of traffic through the real HTTP API — customers, charges (with
/// declines and the fraud patterns of the traffic generator: account takeovers, stolen cards, card testing), refunds,
/// disputes — on an injected clock, so each simulated day ends with its nightly ETL run and the stream processor's
/// windows without waiting; an error spike for one merchant through a log import; then it keeps serving.
package struct Demo: AsyncParsableCommand {
    package init() {}

    package static let configuration = CommandConfiguration(
        abstract: "Start Remit with a month of simulated history behind it, and print the dashboard's address.",
        discussion: """
            The history runs on the ECB rates Remit ships, so it is set in the month they end: the 30 days up to \
            \(ShippedRates.lastDay). The demo's clock then goes on from the next midnight at the speed of real time.
            Every request goes through the HTTP API; the nightly runs and the stream processor run as in production.
            """)

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 4242
    @Option(name: .customLong("data-dir"), help: "The demo's data directory (made afresh).") var dataDirectory = "./.remit-demo"
    @Option(help: "Simulated days of history.") var days = 30
    @Option(help: "Customers of the traffic generator (more: more charges).") var customers = 250
    @Flag(name: .customLong("exit-when-ready"), help: "Stop once the history is in, instead of serving on.") var exitWhenReady = false

    static let marker = ".remit-demo"

    package func validate() throws {
        guard (1...60).contains(days) else { throw ValidationError("--days must be 1…60") }
        guard (10...5_000).contains(customers) else { throw ValidationError("--customers must be 10…5000") }
    }

    package func run() async throws {
        lineBufferedOutput()
        try Self.freshDirectory(dataDirectory)
        let lastDay = Timestamp.days(fromISODate: ShippedRates.lastDay)!
        let firstDay = lastDay - Int64(days) + 1
        let clock = SettableClock(Date(timeIntervalSince1970: Double(firstDay * 86_400)))
        var configuration = RemitConfiguration()
        configuration.dataDirectory = dataDirectory
        configuration.host = host
        configuration.port = port
        configuration.adminKey = SecretKey.generate()
        configuration.fraudRetraining = false
        configuration.etlHour = nil
        configuration.streamProcessor = false  // the demo runs it at the end of each simulated day, then for good
        configuration.apiLogFlushInterval = .milliseconds(50)
        configuration.webhooks.sender.addressPolicy.allowed += [CIDR("127.0.0.0/8")!]
        configuration.webhooks.schedule = .test
        // Each simulated day's windows are processed at its end, hours after the first closed: not a live delay
        // worth an alert here.
        configuration.stream.thresholds.processingLatencyMs = 2 * 86_400_000
        // Alerts still reach the alerts table and the dashboards; the terminal shows the critical ones.
        let logger = makeLogger(level: .error)
        let runtime = try RemitRuntime(configuration: configuration, logger: logger, clock: WallClock { clock.date })
        let receiver = WebhookReceiver(keepBodies: false) { _, index in
            // One delivery in twenty fails the first time: the dashboard shows retries.
            .init(status: index % 20 == 7 ? 503 : 200, body: "ok")
        }
        let app = buildApplication(runtime, logger: logger)
        let (host, port, days, customers, exitWhenReady) = (self.host, self.port, self.days, self.customers, self.exitWhenReady)
        let adminKey = configuration.adminKey!
        try await withThrowingTaskGroup(of: Void.self) { group in
            let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint],
                                                            logger: logger))
            group.addTask { try await services.run() }
            group.addTask { try await receiver.run() }
            do {
                try await OneShot.waitForHealth(host: host, port: port)
                var history = DemoHistory(runtime: runtime, clock: clock, host: host, port: port, adminKey: adminKey,
                                          receiverPort: await receiver.port(), customers: customers, logger: logger)
                try await history.run(firstDay: firstDay, days: days)
                Self.printReady(host: host, port: port, adminKey: adminKey, dataDirectory: configuration.dataDirectory,
                                firstDay: firstDay, lastDay: lastDay)
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
            // From here the world goes on from the next midnight, at the speed of real time.
            let resumed = Date()
            let base = Date(timeIntervalSince1970: Double((lastDay + 1) * 86_400))
            group.addTask {
                while true {
                    clock.set(base.addingTimeInterval(Date().timeIntervalSince(resumed)))
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            group.addTask { _ = try await runtime.streamProcessor(logger: logger).run() }
            if exitWhenReady { await services.triggerGracefulShutdown() }
            // Until the server stops (Ctrl-C, SIGTERM, or at once with --exit-when-ready).
            do { try await group.next() } catch is CancellationError {}
            group.cancelAll()
        }
    }

    /// Makes `path` an empty directory, refusing to empty one that is not a previous demo's.
    static func freshDirectory(_ path: String) throws {
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            let contents = (try? manager.contentsOfDirectory(atPath: path)) ?? []
            guard contents.isEmpty || contents.contains(marker) else {
                throw ValidationError("\(path) exists and is not a Remit demo's data directory: choose another --data-dir")
            }
            try manager.removeItem(atPath: path)
        }
        try manager.createDirectory(atPath: path, withIntermediateDirectories: true)
        _ = manager.createFile(atPath: (path as NSString).appendingPathComponent(marker), contents: Data("remit demo\n".utf8))
    }

    static func printReady(host: String, port: Int, adminKey: String, dataDirectory: String, firstDay: Int64,
                           lastDay: Int64) {
        print("""

            Remit is running, with \(lastDay - firstDay + 1) simulated days behind it \
            (\(Timestamp.isoDate(days: firstDay)) to \(Timestamp.isoDate(days: lastDay))).

              Dashboard:  http://\(host):\(port)/dashboard
              Sign in with the platform key:  \(adminKey)
              API:        http://\(host):\(port)/v1  (the same key acts for the merchants with Stripe-Account)
              Data:       \(dataDirectory)  (SQLite store, warehouse.sqlite, lake/)

            The clock goes on from \(Timestamp.isoDate(days: lastDay + 1)) 00:00 UTC. Ctrl-C stops.
            """)
    }
}
