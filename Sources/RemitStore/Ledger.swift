import Foundation
import RemitCore
import RemitProcessor
import RemitSQL
import Synchronization

/// The ledger: every business transaction of the payments API, written once for both engines.
///
/// Each public operation is one database transaction: the change rows (triggers), the events (the outbox)
/// and the idempotency record commit with the business rows, or none of them does.
public struct Ledger: Sendable {
    public let database: any SQLDatabase
    public let clock: WallClock
    public let ids: IDGenerator
    public let fees: FeePolicy
    public let processor: any CardProcessor
    /// The API version stamped on events.
    public let apiVersion: String
    /// The risk check every charge runs before authorization (flow 4's, when the application installs it).
    public let riskCheck: (any RiskCheck)?
    let inFlightKeys: InFlightKeys
    /// Where events fan out to their subscribers (flow 5's webhook deliveries, when the application installs it).
    public let eventFanOut: (any EventFanOut)?
    /// Guards a test may remove (all in place otherwise).
    public let faults = LedgerFaults()

    public init(database: any SQLDatabase, clock: WallClock = .system, ids: IDGenerator = .random,
                fees: FeePolicy = FeePolicy(), processor: any CardProcessor, apiVersion: String = StripeAPIVersion.current,
                riskCheck: (any RiskCheck)? = nil, eventFanOut: (any EventFanOut)? = nil) {
        self.riskCheck = riskCheck
        self.database = database
        self.clock = clock
        self.ids = ids
        self.fees = fees
        self.processor = processor
        self.apiVersion = apiVersion
        self.inFlightKeys = InFlightKeys()
        self.eventFanOut = eventFanOut
    }

    /// Applies the ledger's migrations.
    public func migrate() async throws {
        try await Migrator.migrate(database, LedgerMigrations.all)
    }

    /// One write transaction. On SQLite it first advances the change-capture clock, so every change row
    /// of this transaction carries the same, commit-ordered `tx_lsn` (writers are serialized there), and the time.
    func transaction<T: Sendable>(_ body: @Sendable @escaping (any SQLConnection) async throws -> T) async throws -> T {
        let clock = self.clock
        let (result, hooks) = try await database.write { connection in
            // The change capture stamps the ledger's clock (migration 9): free on SQLite, where the LSN bump
            // carries it; on PostgreSQL one more statement, sent only when the clock is not the system's.
            if connection.dialect == .sqlite {
                try await connection.execute("""
                    UPDATE cdc_clock SET lsn = lsn + 1, stamp = \(Timestamp.iso8601(clock.now())) WHERE id = 1
                    """)
            } else if !clock.isSystem {
                _ = try await connection.query("SELECT set_config('remit.clock', \(Timestamp.iso8601(clock.now())), true) AS c")
            }
            let batching = BatchingConnection(connection)
            let result = try await body(batching)
            try await batching.flush()
            return (result, batching.takeCommitHooks())
        }
        for hook in hooks { hook() }
        return result
    }

    func read<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        try await database.read(body)
    }
}

/// Idempotency keys being executed by this process right now: a second request with one of them gets 409.
final class InFlightKeys: Sendable {
    private let keys = Mutex<Set<String>>([])

    func insert(_ key: String) -> Bool { keys.withLock { $0.insert(key).inserted } }
    func remove(_ key: String) { _ = keys.withLock { $0.remove(key) } }
}
