import RemitCore
import RemitSQL

extension Ledger {
    /// How long a card authorization holds: "PaymentIntents … are cancelled a set number of days (7 by default)
    /// after their creation" (research/payment-intents.md §1.2).
    public static let authorizationValidity: Duration = .seconds(7 * 86_400)
    /// Intents expired per transaction, so the writer is never held for long.
    public static let authorizationExpiryBatch = 100

    /// Cancels every PaymentIntent still waiting for its capture past ``authorizationValidity``: its charge is
    /// released (`charge.expired`), the intent `canceled` with reason `automatic`. Each intent is one transaction
    /// that re-reads it locked, so nodes sharing PostgreSQL can run this at once and a capture racing it either
    /// lands first (the intent is no longer `requires_capture`) or fails. Returns how many expired.
    public func expireAuthorizations() async throws -> Int {
        let cutoff = clock.unixSeconds() - Self.authorizationValidity.components.seconds
        var expired = 0
        while true {
            try Task.checkCancellation()
            let due = try await database.read { connection in
                try await connection.query("""
                    SELECT id, account_id, livemode FROM payment_intents
                    WHERE status = 'requires_capture' AND created < \(cutoff)
                    ORDER BY created LIMIT \(Self.authorizationExpiryBatch)
                    """)
            }
            var expiredNow = 0
            for row in due {
                let context = OperationContext(accountID: row.string("account_id"), livemode: row.bool("livemode"),
                                               requestID: "", idempotencyKey: nil)
                let id = row.string("id")
                let didExpire = try await perform(context) { transaction in
                    let intent = try await transaction.lockedRow(.paymentIntents, id, PaymentIntent.init(row:))
                    guard intent.status == .requiresCapture, intent.created < cutoff else { return false }
                    _ = try await transaction.cancel(intent, reason: "automatic", expiring: true)
                    return true
                }
                if didExpire { expiredNow += 1 }
            }
            expired += expiredNow
            if due.count < Self.authorizationExpiryBatch || expiredNow == 0 { return expired }
        }
    }
}
