import Foundation
import RemitApp
import RemitBench
import RemitStore
import RemitTesting
import Testing

/// The randomized concurrent ledger test, bounded for CI (`remit bench ledger-torture` runs it for as long as you
/// like). `REMIT_TORTURE_SEED` replays a printed seed.
struct LedgerTortureTests {
    static func seed() -> UInt64 {
        ProcessInfo.processInfo.environment["REMIT_TORTURE_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64.max)
    }

    static func run(_ app: RemitTestApp, seed: UInt64, clients: Int = 32, operations: Int = 30,
                    chargesPerMerchant: Int = 12) async throws -> (LedgerTorture.Report, LedgerVerifier.Report)
    {
        try await app.test { client in
            var configuration = LedgerTorture.Configuration(seed: seed)
            configuration.clients = clients
            configuration.operationsPerClient = operations
            configuration.chargesPerMerchant = chargesPerMerchant
            let torture = LedgerTorture(configuration: configuration, transport: RouterTortureTransport(client),
                                        adminKey: app.adminKey)
            let report = try await torture.run()
            let verified = try await LedgerVerifier(database: app.runtime.store.database).verify()
            return (report, verified)
        }
    }

    @Test(arguments: TestEngine.available)
    func racingClientsLeaveTheLedgerConsistentWithExactlyTheWinnersStripeAllows(engine: TestEngine) async throws {
        let seed = Self.seed()
        print("ledger torture on \(engine): seed \(seed) (REMIT_TORTURE_SEED=\(seed) replays it)")
        let app = try await RemitTestApp.make(engine)
        let (report, verified) = try await Self.run(app, seed: seed)
        #expect(report.passed, "\(report)")
        #expect(verified.isConsistent, "seed \(seed): \(verified.problems)")
        #expect(report.requests >= 32 * 30)
        #expect(report.executed["refund", default: 0] > 0 && report.executed["disputeSubmit", default: 0] > 0,
                "the run exercised the races: \(report)")
    }

    /// With the dispute's row lock and compare-and-set removed, racing submissions on PostgreSQL (READ COMMITTED) both
    /// read the open dispute: the run must fail, or it tests nothing. (SQLite's single writer serializes them anyway.)
    @Test(.enabled(if: TestEngine.available.contains(.postgres)))
    func withoutTheDisputeCompareAndSetTheRunFailsOnPostgreSQL() async throws {
        let seed = Self.seed()
        let app = try await RemitTestApp.make(.postgres)
        app.runtime.ledger.faults.setDisputeTransitionsGuarded(false)
        // Each dispute can race only once, when it closes: up to three runs (fresh merchants each) give the races
        // enough chances that a guard-less ledger is caught every time.
        var caught: String?
        for round in 0..<3 where caught == nil {
            let (report, verified) = try await Self.run(app, seed: seed &+ UInt64(round), clients: 48, operations: 40,
                                                        chargesPerMerchant: 32)
            if !report.passed || !verified.isConsistent {
                caught = "round \(round): \(report.failures.count) problem(s), e.g. "
                    + (report.failures.first ?? verified.problems.first ?? "")
            }
        }
        #expect(caught != nil, "seed \(seed): three runs without the dispute guard passed")
        print("ledger torture without the dispute guard (seed \(seed)): \(caught ?? "not caught")")
    }
}
