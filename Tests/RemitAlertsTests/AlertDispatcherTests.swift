import Foundation
import Logging
import RemitAlerts
import ServiceLifecycleTestKit
import Synchronization
import Testing

/// A sink that keeps what it is given, slowly enough that alerts are still queued when shutdown begins.
final class CollectingSink: AlertSink {
    let name = "collect"
    let subjects = Mutex<[String]>([])

    func deliver(_ alert: Alert) async throws {
        try await Task.sleep(for: .milliseconds(2))
        subjects.withLock { $0.append(alert.subject) }
    }
}

struct AlertDispatcherTests {
    static let logger = Logger(label: "remit.test")

    static func alert(_ subject: String) -> Alert {
        Alert(source: "fraud", kind: "fraud_block", severity: .warning, subject: subject, summary: subject,
              created: Date(timeIntervalSince1970: 1_790_000_000))
    }

    @Test func queuedAlertsReachTheSinksInOrderAndShutdownDeliversWhatIsStillQueued() async throws {
        let sink = CollectingSink()
        let queue = AlertQueue(logger: Self.logger)
        let dispatcher = AlertDispatcher(queue: queue, alerting: Alerting(sinks: [sink], logger: Self.logger))
        let subjects = (0..<50).map { "ch_\($0)" }
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await dispatcher.run() }
                for subject in subjects { queue.enqueue(Self.alert(subject)) }
                let deadline = ContinuousClock.now + .seconds(10)
                while sink.subjects.withLock({ $0.isEmpty }), ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(1))
                }
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(sink.subjects.withLock { $0 } == subjects, "every queued alert, once, in order, before run() returned")
        queue.enqueue(Self.alert("late"))
        #expect(queue.dropped == 1, "after shutdown the queue is closed: a late alert is counted as dropped")
    }

    @Test func aFullQueueDropsAndCountsInsteadOfGrowing() {
        let queue = AlertQueue(logger: Self.logger)
        for index in 0..<(AlertQueue.capacity + 3) { queue.enqueue(Self.alert("ch_\(index)")) }
        #expect(queue.dropped == 3)
    }
}
