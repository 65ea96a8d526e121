import Foundation
import Logging
import RemitAPI
@testable import RemitApp
import RemitStore
import RemitTesting
import ServiceLifecycleTestKit
import Testing

struct ServiceShutdownTests {
    /// Request logs still in the buffer at shutdown are written before the writer returns.
    @Test(arguments: TestEngine.available)
    func requestLogWriterFlushesOnGracefulShutdown(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        let runtime = app.runtime
        try await runtime.withStore(logger: makeTestLogger()) {
            try await runtime.prepare(logger: makeTestLogger())
            let writer = APILogWriter(buffer: runtime.requestLog, ledger: runtime.ledger, ready: runtime.ready,
                                      interval: .seconds(3600), logger: makeTestLogger())
            for index in 0..<3 {
                _ = runtime.requestLog.append(APILogEntry(
                    logID: "log_\(index)", merchantID: nil, endpoint: "/v1/charges", method: "POST", statusCode: 200,
                    latencyMs: 1.25, timestamp: "2026-11-25T00:00:00.000Z", requestID: "req_\(index)"))
            }
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await writer.run() }
                    try await Task.sleep(for: .milliseconds(50))
                    trigger.triggerGracefulShutdown()
                    try await group.waitForAll()
                }
            }
            let feed = ChangeFeed(database: runtime.store.database)
            #expect(try await feed.waitForHorizon(try await feed.latestWritten(), timeout: .seconds(120)))
            let logs = try await feed.apiLogs(after: .start, through: Int64.max, limit: 10)
            #expect(logs.map(\.entry.logID) == ["log_0", "log_1", "log_2"])
        }
    }

    /// Secret keys never reach the logs, even when a request fails with one.
    @Test func secretKeysAreNeverLogged() async throws {
        let recorder = LogRecorder()
        let app = try await RemitTestApp.make(.sqlite)
        let logger = Logger(label: "remit.test") { _ in recorder }
        try await app.test(logger: logger) { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            _ = try await client.get("/v1/account", key: "sk_test_wrongwrongwrongwrong99")
            _ = try await client.post("/v1/charges", [("amount", "1000"), ("currency", "usd"), ("source", "tok_visa")],
                                      key: merchant.key)
            _ = try await client.post("/v1/charges", [("amount", "x")], key: merchant.key)
            let text = recorder.text
            #expect(text.contains("req_"), "the requests were logged, with their request ids")
            #expect(!text.contains(merchant.key))
            #expect(!text.contains(app.adminKey))
            #expect(!text.contains("wrongwrongwrongwrong99"))
        }
    }
}

/// Keeps every log line (at every level) for inspection.
final class LogRecorder: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        lock.withLock { lines.append("\(event.level) \(event.message) \(merged)") }
    }

    var text: String { lock.withLock { lines.joined(separator: "\n") } }
}
