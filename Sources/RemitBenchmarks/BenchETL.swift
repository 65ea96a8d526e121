import ArgumentParser
import Foundation
import RemitCommandSupport
import Logging
import RemitApp
import RemitCore
import RemitETL
import RemitProcessor
import RemitSQL
import RemitStore
import Synchronization

/// `remit bench etl`: generates days of history through the store (merchants, customers, charges in USD, EUR and
/// GBP, refunds, disputes, customer updates) with the ledger's clock set to each day, then times the nightly run of each
/// day end to end (extract, stage to the lake, transform, load and validate, publish).
struct BenchETL: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "etl", abstract: "The nightly ETL's end-to-end time on generated days of payments.")

    @OptionGroup var store: StoreOptions
    @Option(help: "Payments per day.") var payments = 100_000
    @Option(help: "Days of history, each loaded by its own nightly run.") var days = 1
    @Option var merchants = 20
    @Option(help: "Customers per merchant.") var customers = 250
    @Option(help: "Concurrent writers generating the history.") var writers = 16
    @Option(name: .customLong("per-transaction"),
            help: "Payments each writer commits in one store transaction (1: one per payment, as the API commits them).")
    var perTransaction = 1
    @Option(name: .customLong("keep-in"), help: "Keep the generated store in this directory (to profile a run on it).")
    var keepIn: String?
    @Flag(name: .customLong("prune-events"),
          help: "Delete the generated events while the history is written (the run does not read them; they are half of a store, so 10M payments then fit on a smaller disk).")
    var pruneEvents = false

    func run() async throws {
        let configuration = try store.benchConfiguration("etl", keepIn: keepIn)
        let logger = makeLogger(level: .error)
        let start = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
                         - Double(days + 1) * 86_400)
        let now = SettableClock(start)
        let clock = WallClock { now.date }
        let runtime = try RemitRuntime(configuration: configuration, logger: logger, clock: clock)
        print("etl bench: store \(runtime.store.description), warehouse \(runtime.warehouse.description),",
              "\(days) day(s) × \(payments) payments, \(merchants) merchants × \(customers) customers")
        let (payments, merchantCount, customerCount, writers, days) = (self.payments, merchants, customers, self.writers, self.days)
        let pruneEvents = self.pruneEvents
        let perTransaction = max(1, self.perTransaction)
        try await runtime.withStore(logger: logger) {
            try await runtime.prepare(logger: logger)
            let ledger = runtime.ledger
            let accounts = try await Self.createAccounts(merchantCount, customers: customerCount, ledger: ledger)
            try await Self.loadRates(from: start, days: days, into: runtime.store.database)
            let pipeline = runtime.etlRunner(logger: logger)
            for day in 0..<days {
                let dayStart = start.addingTimeInterval(Double(day) * 86_400)
                now.set(dayStart.addingTimeInterval(3600))
                let generated = ContinuousClock.now
                try await Self.generate(payments, accounts: accounts, ledger: ledger, writers: writers, day: dayStart, now: now,
                                        perTransaction: perTransaction, pruneEvents: pruneEvents)
                let elapsed = ContinuousClock.now - generated
                print(String(format: "day %d (%@): %d payments generated in %.1f s", day + 1, Self.isoDay(dayStart),
                             payments, Self.seconds(elapsed)))
                let feed = ChangeFeed(database: runtime.store.database)
                _ = try await feed.waitForHorizon(try await feed.latestWritten())
                let timed = ContinuousClock.now
                let report = try await pipeline.run(date: Self.isoDay(dayStart), runID: "bench-\(day + 1)")
                let total = ContinuousClock.now - timed
                print(report.text)
                print(String(format: "nightly run, end to end: %.2f s for %d payments", Self.seconds(total), payments))
            }
        }
        store.removeBenchData(configuration, keepIn: keepIn)
    }

    /// `count` merchants with `customers` customers each, created through the ledger.
    static func createAccounts(_ count: Int, customers: Int, ledger: Ledger) async throws -> [(id: String, customers: [String])] {
        var accounts: [(id: String, customers: [String])] = []
        for _ in 0..<count {
            let account = Mutex("")
            _ = try await ledger.perform(Self.context("bench"), idempotency: nil) { transaction in
                let created = try await transaction.createAccount(AccountRequest(type: "custom"))
                account.withLock { $0 = created.0.id }
                return StoredResponse(status: 200, body: "")
            }
            let id = account.withLock { $0 }
            let ids = Mutex<[String]>([])
            for chunk in stride(from: 0, to: customers, by: 50) {
                _ = try await ledger.perform(Self.context(id), idempotency: nil) { transaction in
                    for index in chunk..<min(chunk + 50, customers) {
                        let customer = try await transaction.createCustomer(CustomerFields(email: "c\(index)@example.com"))
                        ids.withLock { $0.append(customer.id) }
                    }
                    return StoredResponse(status: 200, body: "")
                }
            }
            accounts.append((id, ids.withLock { $0 }))
        }
        return accounts
    }

    static func context(_ account: String) -> OperationContext { OperationContext(accountID: account, requestID: "req_bench") }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The benchmarks' own ECB-style rates (1 EUR = 1.05 USD = 0.85 GBP) for every day of the history and the next.
    static func loadRates(from start: Date, days: Int, into database: any SQLDatabase) async throws {
        var rates: [(day: String, currency: String, perEuro: String)] = []
        for offset in 0...(days + 1) {
            let day = isoDay(start.addingTimeInterval(Double(offset) * 86_400))
            rates += [(day, "USD", "1.0500"), (day, "GBP", "0.8500")]
        }
        try await FXRateStore(database: database).load(rates)
    }

    static func isoDay(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }

    /// One day's payments: 80 % USD, 15 % EUR, 5 % GBP; every 30th refunded in part; one in 200 disputed; every 20th
    /// with a customer update. Each writer commits `perTransaction` payments of one merchant at a time (1: one
    /// transaction per payment, as the API commits them).
    static func generate(_ count: Int, accounts: [(id: String, customers: [String])], ledger: Ledger, writers: Int,
                         day: Date, now: SettableClock, perTransaction: Int = 1, pruneEvents: Bool = false) async throws {
        let next = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            if pruneEvents {
                // Every few seconds, the events written so far go (with no webhook endpoint, none waits for a delivery).
                group.addTask {
                    let events = EventRetention(database: ledger.database)
                    while next.value.load(ordering: .relaxed) < count {
                        try await Task.sleep(for: .seconds(5))
                        _ = try await events.prune(createdBefore: Int64(now.date.timeIntervalSince1970))
                    }
                }
            }
            for _ in 0..<writers {
                group.addTask {
                    while true {
                        let first = next.value.add(perTransaction, ordering: .relaxed).oldValue
                        guard first < count else { return }
                        if first % 1000 < perTransaction {
                            now.set(day.addingTimeInterval(3600 + Double(first) / Double(count) * 72_000))
                        }
                        let account = accounts[(first / perTransaction) % accounts.count]
                        let indices = first..<min(first + perTransaction, count)
                        _ = try await ledger.perform(context(account.id), idempotency: nil) { transaction in
                            for index in indices {
                                let customer = account.customers[(index / accounts.count) % account.customers.count]
                                let currency: Currency = index % 20 < 16 ? .usd : (index % 20 < 19 ? Currency("eur")! : Currency("gbp")!)
                                // One charge in 200 is disputed (Stripe's dispute test card opens the dispute with the charge).
                                let card = index % 200 == 7 ? "tok_createDispute" : "tok_visa"
                                let request = ChargeRequest(amount: Int64(500 + (index * 7919) % 20_000), currency: currency,
                                                            customerID: customer, instrument: .reference(card))
                                let result = try await transaction.createCharge(request)
                                if index % 30 == 0 {
                                    _ = try await transaction.createRefund(RefundRequest(chargeID: result.charge.id,
                                                                                         amount: result.charge.amount / 2))
                                }
                                if index % 20 == 0 {
                                    _ = try await transaction.updateCustomer(customer, CustomerFields(name: "name \(index) on \(Self.isoDay(day))"))
                                }
                            }
                            return StoredResponse(status: 200, body: "")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
