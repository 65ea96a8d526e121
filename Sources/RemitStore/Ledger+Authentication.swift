import RemitCore
import RemitSQL

extension Ledger {
    /// The account and mode of a challenge's intent: the hosted page carries no API key, its unguessable token is
    /// the credential. nil for an unknown token, or one of another intent.
    public func authenticationOwner(token: String, intentID: String) async throws -> OperationContext? {
        try await database.read { connection in
            try await connection.queryFirst("""
                SELECT a.account_id, p.livemode FROM payment_authentications a
                JOIN payment_intents p ON p.id = a.payment_intent_id AND p.account_id = a.account_id
                WHERE a.id = \(token) AND a.payment_intent_id = \(intentID)
                """)
        }.map { OperationContext(accountID: $0.string("account_id"), livemode: $0.bool("livemode"), requestID: "") }
    }
}
