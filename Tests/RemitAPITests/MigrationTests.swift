import Foundation
import RemitApp
import RemitSQL
import RemitStore
import RemitTesting
import ServiceLifecycle
import Testing

/// Several nodes started at once on one new store (two `remit stream run` in one breath, a deploy of N nodes) all
/// migrate it: exactly one applies each step, and none fails.
struct MigrationTests {
    static let migrations = (1...3).map { id in
        Migration(id: id, name: "probe \(id)") { _ in ["CREATE TABLE migration_probe_\(id) (k TEXT PRIMARY KEY)"] }
    }

    @Test(arguments: TestEngine.available)
    func nodesMigratingOneNewStoreAtOnceApplyEachStepOnce(engine: TestEngine) async throws {
        let configuration = try await engine.freshConfiguration()
        let logger = makeTestLogger()
        for round in 0..<4 {
            // A store none of them has seen: on PostgreSQL a new schema, so its creation races too.
            let url = configuration.databaseURL.map { $0 + ($0.contains("?") ? "&" : "?") + "schema=race\(round)" }
                ?? "sqlite:" + (configuration.dataDirectory as NSString).appendingPathComponent("race\(round).sqlite")
            let nodes = try (0..<4).map { _ in try StoreConnection.openWarehouse(configuration, url: url, logger: logger) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for service in nodes.flatMap(\.services) { group.addTask { try await service.run() } }
                try await withThrowingTaskGroup(of: Void.self) { migrations in
                    for node in nodes {
                        migrations.addTask {
                            try await Migrator.migrate(node.database, Self.migrations, ledger: "probe_migrations")
                        }
                    }
                    try await migrations.waitForAll()
                }
                let applied = try await nodes[0].database.read { connection in
                    try await connection.query("SELECT id FROM probe_migrations ORDER BY id").map { $0.int("id") }
                }
                #expect(applied == [1, 2, 3], "round \(round)")
                group.cancelAll()
            }
        }
    }
}

/// Accounts made before publishable keys existed get one when the store migrates (migration 20).
struct PublishableKeyMigrationTests {
    @Test(arguments: TestEngine.available)
    func accountsMadeBeforeGetAPublishableKey(engine: TestEngine) async throws {
        let configuration = try await engine.freshConfiguration()
        let url = configuration.databaseURL.map { $0 + ($0.contains("?") ? "&" : "?") + "schema=pkupgrade" }
            ?? "sqlite:" + (configuration.dataDirectory as NSString).appendingPathComponent("pkupgrade.sqlite")
        let node = try StoreConnection.openWarehouse(configuration, url: url, logger: makeTestLogger())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for service in node.services { group.addTask { try await service.run() } }
            let before = Array(LedgerMigrations.all.prefix { $0.id < 20 })
            try await Migrator.migrate(node.database, before)
            try await node.database.write { connection in
                for account in ["acct_old1", "acct_old2"] {
                    try await connection.execute("""
                        INSERT INTO accounts (id, created, is_platform, type, country, default_currency, business_profile,
                            metadata, livemode)
                        VALUES (\(account), 1700000000, 0, 'standard', 'US', 'usd', '{}', '{}', 0)
                        """)
                }
            }
            try await Migrator.migrate(node.database, LedgerMigrations.all)
            let keys = try await node.database.read { connection in
                try await connection.query(
                    "SELECT account_id, key_hash, key_hint FROM api_keys WHERE kind = 'publishable' ORDER BY account_id")
            }
            #expect(keys.map { $0.string("account_id") } == ["acct_old1", "acct_old2"])
            for key in keys {
                #expect(key.string("key_hash").hasPrefix("pk_test_") && key.string("key_hash").count == 40)
                #expect(key.string("key_hint") == key.string("key_hash"))
            }
            #expect(Set(keys.map { $0.string("key_hash") }).count == 2)
            group.cancelAll()
        }
    }
}
