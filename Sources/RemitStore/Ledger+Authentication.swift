import RemitCore
import RemitSQL

extension Ledger {
    /// The account and mode of a challenge's intent: the hosted page carries no API key, its unguessable token is
    /// the credential. nil for an unknown token, or one of another intent.
    public func authenticationOwner(token: String, intentID: String) async throws -> OperationContext? {
        try await database.read { connection in
            try await connection.queryFirst("""
                SELECT account_id, livemode FROM payment_authentications WHERE id = \(token) AND intent_id = \(intentID)
                """)
        }.map { OperationContext(accountID: $0.string("account_id"), livemode: $0.bool("livemode"), requestID: "") }
    }
}
