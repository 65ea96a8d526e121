import Logging
import RemitServices
import ServiceLifecycleTestKit
import Synchronization
import Testing

final class Rounds: Sendable {
    let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
}

struct PeriodicWorkTests {
    static let logger = Logger(label: "remit.test")

    @Test func roundsRunAtTheIntervalAFailedRoundDoesNotStopThemAndShutdownEndsALongSleep() async throws {
        let ready = Readiness()
        ready.open()
        let rounds = Rounds()
        let started = try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    await PeriodicWork("test", every: .milliseconds(10)).run(ready: ready, logger: Self.logger) {
                        let round = rounds.count.withLock { count in
                            count += 1
                            return count
                        }
                        if round == 2 { throw TestFailure() }
                    }
                }
                while rounds.value < 5 { try await Task.sleep(for: .milliseconds(5)) }
                trigger.triggerGracefulShutdown()
                return try await group.next() ?? false
            }
        }
        #expect(started)
        #expect(rounds.value >= 5, "the round after the failed one ran, and the ones after")
    }

    @Test func shutdownBeforeTheStoreIsReadyRunsNoRoundAndSaysSo() async throws {
        let ready = Readiness()
        let rounds = Rounds()
        let started = try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    await PeriodicWork("test", every: .milliseconds(10)).run(ready: ready, logger: Self.logger) {
                        rounds.count.withLock { $0 += 1 }
                    }
                }
                try await Task.sleep(for: .milliseconds(20))
                trigger.triggerGracefulShutdown()
                return try await group.next() ?? true
            }
        }
        #expect(!started)
        #expect(rounds.value == 0)
    }

    @Test func afterIntervalWaitsOneIntervalAndShutdownCutsTheWaitShort() async throws {
        let ready = Readiness()
        ready.open()
        let rounds = Rounds()
        let readied = Rounds()
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    await PeriodicWork("test", every: .seconds(3600), start: .afterInterval)
                        .run(ready: ready, logger: Self.logger, whenReady: { readied.count.withLock { $0 += 1 } }) {
                            rounds.count.withLock { $0 += 1 }
                        }
                }
                while readied.value == 0 { try await Task.sleep(for: .milliseconds(5)) }
                trigger.triggerGracefulShutdown()
                _ = try await group.next()
            }
        }
        #expect(readied.value == 1)
        #expect(rounds.value == 0, "an hour had not passed")
    }
}

struct TestFailure: Error {}
