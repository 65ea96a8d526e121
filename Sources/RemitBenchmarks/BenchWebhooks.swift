import ArgumentParser
import Foundation
import RemitCommandSupport
import Logging
import RemitServices
import RemitApp
import RemitBench
import RemitCore
import RemitSQL
import RemitStore
import RemitWebhooks
import ServiceLifecycle
import Synchronization

/// `remit bench webhooks`: webhook delivery against a loopback receiver written in Swift (keep-alive HTTP/1.1).
///
/// Two phases on one store, one endpoint:
/// 1. drain: `--events` events are committed with the worker stopped, then the worker starts; deliveries/s is
///    the number of successful deliveries over the time until every outcome is committed;
/// 2. live: `--live-events` events are committed at `--rate` per second while the worker runs; commit → first
///    attempt is read from the deliveries' own columns (`first_attempt_at - created_ms`).
/// `--fail-rate 0.1` makes the receiver answer 500 to a random 10 % of requests (retried after 100 ms).
struct BenchWebhooks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks", abstract: "Webhook deliveries/s and commit → first attempt latency, in process.")

    @OptionGroup var store: StoreOptions
    @Option(help: "Events delivered in the drain phase.") var events = 20_000
    @Option(name: .customLong("live-events"), help: "Events committed at --rate in the live phase.") var liveEvents = 5_000
    @Option(help: "Events per second in the live phase.") var rate = 1_000
    @Option(name: .customLong("fail-rate"), help: "Share of requests the receiver answers 500.") var failRate = 0.0
    @Option(name: .customLong("endpoint-in-flight"), help: "Requests in flight to the endpoint.") var inFlight = 32
    @Option(help: "Concurrent writers committing events.") var writers = 16

    func run() async throws {
        var configuration = try store.configuration()
        if configuration.databaseURL == nil {
            configuration.dataDirectory = FileManager.default.temporaryDirectory
                .appendingPathComponent("remit-bench-webhooks-\(UUID().uuidString.prefix(8))").path
        }
        configuration.webhooks.sender.addressPolicy.allowed = [CIDR("127.0.0.0/8")!]
        configuration.webhooks.schedule = RetrySchedule(parsing: "100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms")!
        configuration.webhooks.perEndpointInFlight = inFlight
        configuration.webhooks.breakerTripAfter = Int.max
        configuration.fraudRetraining = false
        let logger = makeLogger(level: .warning)
        let runtime = try RemitRuntime(configuration: configuration, logger: logger)
        // The worker holds back until the drain phase's events are committed.
        let gate = Readiness()
        let worker = runtime.webhookWorker(logger: logger, startWhen: gate)
        let services = ServiceGroup(configuration: .init(
            services: (runtime.store.services + runtime.warehouse.services).map { .init(service: $0) } + [.init(service: worker)], logger: logger))
        let failRate = self.failRate
        let successes = Atomic<Int>(0)
        let receiver = WebhookReceiver(keepBodies: false) { _, _ in
            if failRate > 0, Double.random(in: 0..<1) < failRate { return .init(status: 500) }
            successes.add(1, ordering: .relaxed)
            return .init(status: 200)
        }
        print("webhooks bench: store \(runtime.store.description), \(events) + \(liveEvents) events, one endpoint,",
              "\(inFlight) in flight, receiver failing \(Int(failRate * 100)) %")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await receiver.run() }
            group.addTask { try await services.run() }
            try await runtime.prepare(logger: logger)
            let port = await receiver.port()
            let url = "http://127.0.0.1:\(port)/bench"
            let leftover = try await runtime.store.database.read { connection in
                try await connection.queryFirst(
                    "SELECT count(*) AS n FROM webhook_deliveries WHERE status IN ('pending', 'delivering')")?.int("n") ?? 0
            }
            guard leftover == 0 else {
                throw ValidationError("the store holds \(leftover) undelivered webhooks of earlier runs: give the bench an empty database")
            }
            try await httpCeiling(url: url, configuration: configuration.webhooks.sender)
            let (drainAccount, liveAccount) = try await setUp(runtime, url: url)
            print("committing \(events) events (worker stopped)…")
            let committed = ContinuousClock.now
            try await commit(events, account: drainAccount, runtime: runtime, rate: nil)
            print(String(format: "  %.1f s", seconds(ContinuousClock.now - committed)))
            gate.open()
            let started = ContinuousClock.now
            // Progress from the receiver (no store load); then the store, until every outcome is committed.
            var last = 0
            let before = successes.load(ordering: .relaxed)
            while successes.load(ordering: .relaxed) - before < events {
                let done = successes.load(ordering: .relaxed) - before
                if done / 5_000 != last / 5_000 { print("  \(done) / \(events) delivered") }
                last = done
                try await Task.sleep(for: .milliseconds(20))
            }
            while try await succeeded(runtime.store.database, account: drainAccount) < events {
                try await Task.sleep(for: .milliseconds(20))
            }
            let elapsed = seconds(ContinuousClock.now - started)
            let attempts = try await attemptCount(runtime.store.database, account: drainAccount)
            print(String(format: "drain: %d deliveries in %.2f s = %.0f deliveries/s (%d attempts)",
                         events, elapsed, Double(events) / elapsed, attempts))
            print("live: \(liveEvents) events at \(rate)/s…")
            try await commit(liveEvents, account: liveAccount, runtime: runtime, rate: rate)
            while try await succeeded(runtime.store.database, account: liveAccount) < liveEvents {
                try await Task.sleep(for: .milliseconds(50))
            }
            let latencies = try await firstAttemptLatencies(runtime.store.database, account: liveAccount)
            func rank(_ q: Double) -> Int64 { latencies[min(latencies.count - 1, Int((q * Double(latencies.count)).rounded(.up)) - 1)] }
            print("live: commit → first attempt p50 \(rank(0.5)) ms, p99 \(rank(0.99)) ms, max \(latencies.last ?? 0) ms",
                  "(\(latencies.count) deliveries)")
            await services.triggerGracefulShutdown()
            group.cancelAll()
        }
        if store.databaseURL == nil { try? FileManager.default.removeItem(atPath: configuration.dataDirectory) }
    }

    /// The peer in the same run: the same sender (sign both ways, POST, read the answer) with the same
    /// requests in flight, and no store at all. What the delivery pipeline adds is the difference.
    func httpCeiling(url: String, configuration: WebhookSenderConfiguration) async throws {
        let sender = WebhookSender(configuration: configuration)
        let body = Array(#"{"id":"evt_bench","object":"event","type":"customer.created","data":{"object":{"id":"cus_1"}}}"#.utf8)
        let request = WebhookRequest(url: url, eventID: "evt_bench", body: body, secrets: [WebhookSignature.newSecret()])
        let next = Counter()
        let count = events
        let started = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<inFlight {
                group.addTask {
                    while next.value.add(1, ordering: .relaxed).oldValue < count { _ = await sender.send(request) }
                }
            }
        }
        let elapsed = seconds(ContinuousClock.now - started)
        try await sender.shutdown()
        print(String(format: "http only (no store, same sender, %d in flight): %d requests in %.2f s = %.0f/s",
                     inFlight, count, elapsed, Double(count) / elapsed))
    }

    func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Two merchants (drain, live) with one endpoint each on the receiver.
    func setUp(_ runtime: RemitRuntime, url: String) async throws -> (String, String) {
        var accounts: [String] = []
        for _ in 0..<2 {
            let created = Mutex<String>("")
            _ = try await runtime.ledger.perform(Self.context("bench"), idempotency: nil) { transaction in
                let (account, _, _) = try await transaction.createAccount(AccountRequest(type: "custom"))
                created.withLock { $0 = account.id }
                return StoredResponse(status: 200, body: "")
            }
            let id = created.withLock { $0 }
            _ = try await runtime.ledger.perform(Self.context(id), idempotency: nil) { transaction in
                _ = try await transaction.createWebhookEndpoint(WebhookEndpointFields(url: url, enabledEvents: ["customer.created"]))
                return StoredResponse(status: 200, body: "")
            }
            accounts.append(id)
        }
        return (accounts[0], accounts[1])
    }

    static func context(_ account: String) -> OperationContext {
        OperationContext(accountID: account, requestID: "req_bench")
    }

    /// Commits `count` customer.created events from `writers` tasks, paced at `rate` per second when given.
    func commit(_ count: Int, account: String, runtime: RemitRuntime, rate: Int?) async throws {
        let next = Counter()
        let start = ContinuousClock.now
        let ledger = runtime.ledger
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<writers {
                group.addTask {
                    while true {
                        let index = next.value.add(1, ordering: .relaxed).oldValue
                        guard index < count else { return }
                        if let rate {
                            let due = start + .nanoseconds(Int64(index) * 1_000_000_000 / Int64(rate))
                            if due > ContinuousClock.now { try await Task.sleep(until: due) }
                        }
                        _ = try await ledger.perform(Self.context(account), idempotency: nil) { transaction in
                            _ = try await transaction.createCustomer(CustomerFields(email: "bench\(index)@example.com"))
                            return StoredResponse(status: 200, body: "")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    func succeeded(_ database: any SQLDatabase, account: String) async throws -> Int {
        try await database.read { connection in
            Int(try await connection.queryFirst("""
                SELECT count(*) AS n FROM webhook_deliveries
                WHERE endpoint_id = (SELECT id FROM webhook_endpoints WHERE account_id = \(account)) AND status = 'succeeded'
                """)?.int("n") ?? 0)
        }
    }

    func attemptCount(_ database: any SQLDatabase, account: String) async throws -> Int {
        try await database.read { connection in
            Int(try await connection.queryFirst(
                "SELECT count(*) AS n FROM webhook_attempts WHERE account_id = \(account)")?.int("n") ?? 0)
        }
    }

    func firstAttemptLatencies(_ database: any SQLDatabase, account: String) async throws -> [Int64] {
        try await database.read { connection in
            try await connection.query("""
                SELECT first_attempt_at - created_ms AS ms FROM webhook_deliveries WHERE account_id = \(account)
                """).map { $0.int("ms") }.sorted()
        }
    }
}

final class Counter: Sendable {
    let value = Atomic<Int>(0)
}
