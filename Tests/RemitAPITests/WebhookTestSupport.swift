import Foundation
import RemitApp
import RemitBench
import RemitTesting
import RemitWebhooks

/// A Remit whose webhook worker may reach 127.0.0.1, with a fast poll, and a loopback receiver.
struct WebhookHarness {
    static func app(_ engine: TestEngine, schedule: String = "100ms,100ms,100ms",
                    allowLoopback: Bool = true,
                    configure: (inout RemitConfiguration) -> Void = { _ in }) async throws -> RemitTestApp {
        try await RemitTestApp.make(engine) { configuration in
            configuration.webhooks.schedule = RetrySchedule(parsing: schedule)!
            configuration.webhooks.pollInterval = .milliseconds(20)
            if allowLoopback { configuration.webhooks.sender.addressPolicy.allowed = [CIDR("127.0.0.0/8")!] }
            configure(&configuration)
        }
    }

    /// Runs `body` with a receiver listening; stops it after.
    static func withReceiver<T: Sendable>(
        _ receiver: WebhookReceiver = WebhookReceiver(),
        _ body: @Sendable @escaping (WebhookReceiver, String) async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await receiver.run()
                return nil
            }
            let port = await receiver.port()
            let result = try await body(receiver, "http://127.0.0.1:\(port)/hooks")
            group.cancelAll()
            return result
        }
    }

    /// Waits (up to 20 s) until `condition` holds; false if it never does.
    static func eventually(_ condition: @Sendable () async throws -> Bool) async rethrows -> Bool {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }
}
