import Foundation
import Logging
import RemitApp
import RemitCore
import RemitPostgres

/// The storage engines a test runs on. PostgreSQL needs `REMIT_TEST_DATABASE_URL` (set by `scripts/test`);
/// without it PostgreSQL cases are left out, loudly, unless `REMIT_TEST_REQUIRE_POSTGRES=1` makes them fail.
public enum TestEngine: String, Sendable, CaseIterable {
    case sqlite, postgres

    public static var available: [TestEngine] {
        let environment = ProcessInfo.processInfo.environment
        if environment["REMIT_TEST_DATABASE_URL"] != nil || environment["REMIT_TEST_REQUIRE_POSTGRES"] == "1" {
            return [.sqlite, .postgres]
        }
        FileHandle.standardError.write(Data(
            "WARNING: REMIT_TEST_DATABASE_URL is not set: PostgreSQL cases are SKIPPED. Run ./scripts/test.\n".utf8))
        return [.sqlite]
    }

    /// A configuration on a brand-new, empty store of this engine.
    public func freshConfiguration(adminKey: String = TestEngine.adminKey) async throws -> RemitConfiguration {
        var configuration = RemitConfiguration()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("remit-test-\(UUID().uuidString)").path
        configuration.dataDirectory = directory
        configuration.adminKey = adminKey
        configuration.fingerprintKey = TestEngine.fingerprintKey
        configuration.port = 0
        configuration.apiLogFlushInterval = .milliseconds(20)
        configuration.postgresConnectionsMax = 8
        if self == .postgres {
            guard let server = ProcessInfo.processInfo.environment["REMIT_TEST_DATABASE_URL"] else {
                throw ConfigurationError("REMIT_TEST_DATABASE_URL is required for PostgreSQL tests")
            }
            let name = "remit_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let url = try await PostgresAdmin.createDatabase(named: name, serverURL: server, logger: Logger(label: "test"))
            configuration.databaseURL = url
            // The warehouse as in production: a schema of its own (here in the same test database).
            configuration.warehouseURL = url + (url.contains("?") ? "&" : "?") + "schema=warehouse"
        }
        return configuration
    }

    public static let adminKey = "sk_test_platform_admin_key_for_tests_0001"
    /// The tests' card fingerprint key (injected, as a deployment sets REMIT_FINGERPRINT_KEY).
    public static let fingerprintKey = "remit-tests-card-fingerprint-key-0123456789"
}
