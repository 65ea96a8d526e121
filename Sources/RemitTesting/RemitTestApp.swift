import Hummingbird
import HummingbirdTesting
import Logging
import RemitApp
import RemitCore

/// Runs a test against a whole Remit (real router, real store of the chosen engine).
public struct RemitTestApp: Sendable {
    public let runtime: RemitRuntime
    public let adminKey: String

    public init(runtime: RemitRuntime, adminKey: String) {
        self.runtime = runtime
        self.adminKey = adminKey
    }

    public static func make(_ engine: TestEngine, clock: WallClock = .system, ids: IDGenerator = .random,
                            configure: (inout RemitConfiguration) -> Void = { _ in }) async throws -> RemitTestApp {
        var configuration = try await engine.freshConfiguration()
        // Tests run jobs explicitly; a scheduled retrain starting mid-test would race them.
        configuration.fraudRetraining = false
        configuration.etlHour = nil
        // The stream processor runs in the tests that are about it (they turn it on, or drive it directly).
        configuration.streamProcessor = false
        configure(&configuration)
        let runtime = try RemitRuntime(configuration: configuration, logger: makeTestLogger(), clock: clock, ids: ids)
        return RemitTestApp(runtime: runtime, adminKey: configuration.adminKey ?? TestEngine.adminKey)
    }

    /// Runs `body` with a client on the router; services (request-log writer, pool) run meanwhile.
    public func test<T: Sendable>(logger: Logger = makeTestLogger(),
                                  _ body: @Sendable @escaping (APITestClient) async throws -> T) async throws -> T {
        let app = buildApplication(runtime, logger: logger)
        return try await app.test(.router) { client in
            try await body(APITestClient(client))
        }
    }
}

extension RemitTestApp {
    /// Runs `body` against a live server on a loopback port (real sockets, the server's own limits).
    public func testLive<T: Sendable>(logger: Logger = makeTestLogger(),
                                      _ body: @Sendable @escaping (_ port: Int) async throws -> T) async throws -> T {
        let app = buildApplication(runtime, logger: logger)
        return try await app.test(.live) { client in
            guard let port = client.port else { throw RawConnectionError(operation: "listen", errno: 0) }
            return try await body(port)
        }
    }
}

extension APITestClient {
    /// Creates a merchant with the platform key; returns its id and secret key.
    public func createMerchant(adminKey: String, _ parameters: [(String, String)] = []) async throws
        -> (id: String, key: String)
    {
        let result = try await post("/v1/accounts", parameters, key: adminKey)
        precondition(result.status == 200, "account creation failed: \(result.body)")
        return (result.id, result.json["secret_key"] as? String ?? "")
    }
}
