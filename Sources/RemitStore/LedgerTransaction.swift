import RemitCore
import RemitSQL

/// The business operations available inside one ledger transaction, for one account.
///
/// Obtained from ``Ledger/perform(_:idempotency:_:)``; valid only inside that closure.
public struct LedgerTransaction: Sendable {
    public let ledger: Ledger
    /// The transaction's connection: a flow's own statements (its tables) run on it and commit with the ledger's.
    package let connection: any SQLConnection
    public let context: OperationContext

    package var accountID: String { context.accountID }
    package var now: Int64 { ledger.clock.unixSeconds() }

    /// Runs `hook` once this transaction has committed (once per `key`, however often it is registered); never if
    /// it rolls back. For what must not hold the writer: metrics, alerts, waking workers.
    public func afterCommit(_ key: String, _ hook: @escaping @Sendable () -> Void) {
        (connection as? BatchingConnection)?.afterCommit(key, hook)
    }

    package func emit(_ type: String, _ object: JSONValue, id: String, previous: JSONValue? = nil) async throws {
        try await EventRows.emit(type, object: object, objectID: id, previousAttributes: previous,
                                 context: context, ledger: ledger, on: connection)
    }

    /// What a risk check runs on: this transaction's connection, account and time.
    var riskScope: RiskScope { RiskScope(connection: connection, accountID: accountID, now: now) }

    /// Reads that the API needs to render a response (expansions) inside the transaction.
    public var reader: LedgerReader { LedgerReader(connection: connection, accountID: accountID, now: now) }
}
