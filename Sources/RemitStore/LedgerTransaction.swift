import RemitCore
import RemitSQL

/// The business operations available inside one ledger transaction, for one account.
///
/// Obtained from ``Ledger/perform(_:idempotency:_:)``; valid only inside that closure.
public struct LedgerTransaction: Sendable {
    public let ledger: Ledger
    let connection: any SQLConnection
    public let context: OperationContext

    var accountID: String { context.accountID }
    var now: Int64 { ledger.clock.unixSeconds() }

    func emit(_ type: String, _ object: JSONValue, id: String, previous: JSONValue? = nil) async throws {
        try await EventRows.emit(type, object: object, objectID: id, previousAttributes: previous,
                                 context: context, ledger: ledger, on: connection)
    }

    /// What a risk check runs on: this transaction's connection, account and time.
    var riskScope: RiskScope { RiskScope(connection: connection, accountID: accountID, now: now) }

    /// Reads that the API needs to render a response (expansions) inside the transaction.
    public var reader: LedgerReader { LedgerReader(connection: connection, accountID: accountID, now: now) }
}
