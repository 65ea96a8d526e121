import RemitCore
import RemitSQL

extension LedgerTransaction {
    /// Opens a review on a charge sent to manual review (`review.opened`).
    func openReview(on charge: inout Charge, ipAddress: String?) async throws {
        var review = Review(
            id: ledger.ids("prv"), accountID: accountID, chargeID: charge.id, created: now, open: true, reason: "rule",
            openedReason: "rule", closedReason: nil, ipAddress: ipAddress, livemode: context.livemode)
        review.paymentIntentID = charge.paymentIntentID
        try await connection.execute("""
            INSERT INTO reviews (id, account_id, charge_id, created, open, reason, opened_reason, closed_reason,
                ip_address, livemode, payment_intent_id)
            VALUES (\(review.id), \(accountID), \(charge.id), \(now), \(true), \(review.reason), \(review.openedReason),
                \(review.closedReason), \(review.ipAddress), \(review.livemode), \(review.paymentIntentID))
            """)
        charge.reviewID = review.id
        try await emit("review.opened", review.json, id: review.id)
    }

    /// Approves an open review (`review.closed`, reason `approved`).
    public func approveReview(_ id: String) async throws -> Review {
        var review = try await lockedRow(.reviews, id, Review.init(row:))
        guard review.open else {
            throw StripeError(type: .invalidRequest, code: "review_already_closed",
                              message: "This review is already closed.")
        }
        review.open = false
        review.reason = "approved"
        review.closedReason = "approved"
        let changed = try await connection.execute("""
            UPDATE reviews SET open = \(false), reason = \(review.reason), closed_reason = \(review.closedReason),
                closed_at = \(now)
            WHERE id = \(id) AND account_id = \(accountID) AND open = \(true)
            """)
        try RowLock.expectOneChanged(changed)
        try await emit("review.closed", review.json, id: review.id)
        return review
    }
}
