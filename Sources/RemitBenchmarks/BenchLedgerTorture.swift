import ArgumentParser
import Foundation
import RemitCommandSupport
import Logging
import RemitApp
import RemitBench
import RemitStore
import ServiceLifecycle

struct BenchLedgerTorture: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger-torture",
        abstract: "Race many clients on shared charges, refunds, captures, disputes and reviews against a Remit started "
            + "here, judge every response by Stripe's rules, then run remit verify.",
        discussion: "The seed printed first replays each client's requests (--seed). Exit status 2 on any problem.")

    @OptionGroup var store: StoreOptions
    @Option(help: "How long the clients run, <n>s|m|h.") var duration = DurationArgument(argument: "60s")!
    @Option(help: "Concurrent clients.") var clients = 32
    @Option(help: "Merchants, each with its own shared charges.") var merchants = 2
    @Option(name: .customLong("charges-per-merchant"), help: "Shared charges made before the clients start.")
    var chargesPerMerchant = 12
    @Option(help: "The run's seed (default: random).") var seed: UInt64?
    @Option(help: "Port of the Remit this command starts.") var port = 4545
    @Option(name: .customLong("keep-in"), help: "Keep the SQLite store in this directory.") var keepIn: String?
    @Flag(name: .customLong("without-dispute-guard"),
          help: "Remove the dispute transitions' row lock and compare-and-set (the run must then fail on PostgreSQL).")
    var withoutDisputeGuard = false

    func run() async throws {
        lineBufferedOutput()
        var configuration = try store.benchConfiguration("ledger-torture", keepIn: keepIn)
        configuration.port = port
        configuration.streamProcessor = false
        configuration.adminKey = configuration.adminKey ?? "sk_test_torture_platform_" + UUID().uuidString.prefix(12)
        let logger = makeLogger(level: .warning)
        let runtime = try RemitRuntime(configuration: configuration, logger: logger)
        if withoutDisputeGuard { runtime.ledger.faults.setDisputeTransitionsGuarded(false) }
        var tortureConfiguration = LedgerTorture.Configuration(seed: seed ?? UInt64.random(in: 1...UInt64.max))
        tortureConfiguration.clients = clients
        tortureConfiguration.duration = duration.duration
        tortureConfiguration.merchants = merchants
        tortureConfiguration.chargesPerMerchant = chargesPerMerchant
        print("ledger torture: store \(runtime.store.description), \(clients) clients for \(duration.duration), "
              + "seed \(tortureConfiguration.seed) (--seed \(tortureConfiguration.seed) replays it)")
        let (torture, adminKey, port) = (tortureConfiguration, configuration.adminKey ?? "", self.port)
        // The application runs the store's services itself (and migrates before it listens).
        let (report, verified) = try await {
            let app = buildApplication(runtime, logger: logger)
            let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
            return try await withThrowingTaskGroup(of: (LedgerTorture.Report, LedgerVerifier.Report)?.self) { group in
                group.addTask {
                    try await services.run()
                    return nil
                }
                do {
                    try await OneShot.waitForHealth(host: "127.0.0.1", port: port)
                    let started = ContinuousClock.now
                    let report = try await LedgerTorture(configuration: torture, transport: LoopbackTortureTransport(port: port),
                                                         adminKey: adminKey).run { sent in
                        let seconds = Double((ContinuousClock.now - started).components.seconds)
                        print(String(format: "%d requests, %.0f/s", sent, Double(sent) / max(1, seconds)))
                    }
                    let verified = try await LedgerVerifier(database: runtime.store.database).verify()
                    await services.triggerGracefulShutdown()
                    try await group.waitForAll()
                    return (report, verified)
                } catch {
                    await services.triggerGracefulShutdown()
                    throw error
                }
            }
        }()
        print(report)
        print(verified.isConsistent ? "remit verify: ledger consistent (\(verified.chargesChecked) charges)"
              : "remit verify: INCONSISTENT\n" + verified.problems.prefix(40).map { "  " + $0 }.joined(separator: "\n"))
        store.removeBenchData(configuration, keepIn: keepIn)
        if !report.passed || !verified.isConsistent { throw ExitCode(2) }
    }
}
