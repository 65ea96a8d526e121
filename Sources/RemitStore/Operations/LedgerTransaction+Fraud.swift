import Foundation
import RemitCore
import RemitFraud
import RemitProcessor
import RemitSQL

/// The fraud check of a charge, inside the charge's transaction: the key's history as it stands before
/// the charge is written, the vector, the model's score and the decision.
struct FraudCheck: Sendable {
    var key: String
    var assessment: FraudAssessment
    /// Whether the decision acts on the charge (the model decides raw cards; Stripe's named test instruments
    /// keep their documented outcomes and are only scored).
    var applies: Bool
    var device: String?
    var amount: Double
}

extension LedgerTransaction {
    func checkFraud(_ request: ChargeRequest, card: inout ResolvedCard, customer: Customer?) async throws -> FraudCheck {
        let started = ContinuousClock.now
        defer { ledger.fraud.checkFinished(after: ContinuousClock.now - started) }
        let engine = ledger.fraud.current
        let references = engine.references
        if !card.isNamedTestInstrument, let country = references.country(ofCardNumberPrefix: card.issuerPrefix) {
            card.card.country = country
        }
        let key = customer.map { "customer:" + $0.id } ?? "card:" + card.card.fingerprint
        var divisor = 1.0
        for _ in 0..<request.currency.exponent { divisor *= 10 }
        let amount = Double(request.amount) / divisor
        var inputs = FeatureInputs(amount: amount)
        let signals = request.signals
        let device = signals.deviceID.flatMap { $0.isEmpty ? nil : $0 }
        try await FraudRows.loadHistory(into: &inputs, account: accountID, key: key, device: device, now: now, on: connection)
        if let cached = ledger.merchantHistory.cached(accountID, now: now) {
            (inputs.merchantCharges30d, inputs.merchantDisputes30d) = cached
        } else {
            let history = try await FraudRows.merchantHistory(account: accountID, now: now, on: connection)
            ledger.merchantHistory.store(accountID, now: now, charges: history.charges, disputes: history.disputes)
            (inputs.merchantCharges30d, inputs.merchantDisputes30d) = history
        }
        inputs.cardCountry = card.card.country
        inputs.billingCountry = signals.billingCountry ?? customer.flatMap { Self.country(ofAddress: $0.address) }
        inputs.ipCountry = signals.ipAddress.flatMap(references.country(ofIP:))
        if let email = signals.email ?? request.receiptEmail ?? customer?.email {
            inputs.emailDomainAgeDays = references.emailDomainAgeDays(email: email, now: now)
        }
        // One snapshot of the engine for the whole check: references, thresholds and models agree.
        var assessment = engine.assess(FeatureVector(inputs), accountID: accountID)
        let applies = !card.isNamedTestInstrument && assessment.score != nil
        // Reviews and blocks that act are rare; their reasons are kept with them.
        if applies, assessment.decision != .approve { engine.explain(&assessment) }
        return FraudCheck(key: key, assessment: assessment, applies: applies, device: device, amount: amount)
    }

    /// Records the check with the charge's id and whether it was approved.
    func recordFraudCheck(_ check: FraudCheck, charge: Charge) async throws {
        try await FraudRows.insert(
            chargeID: charge.id, account: accountID, key: check.key, created: now, amount: check.amount,
            approved: charge.status == "succeeded", device: check.device, assessment: check.assessment,
            applied: check.applies, on: connection)
    }

    /// Opens a review on a charge sent to manual review (`review.opened`).
    func openReview(on charge: inout Charge, ipAddress: String?) async throws {
        let review = Review(
            id: ledger.ids("prv"), accountID: accountID, chargeID: charge.id, created: now, open: true, reason: "rule",
            openedReason: "rule", closedReason: nil, ipAddress: ipAddress, livemode: context.livemode)
        try await connection.execute("""
            INSERT INTO reviews (id, account_id, charge_id, created, open, reason, opened_reason, closed_reason,
                ip_address, livemode)
            VALUES (\(review.id), \(accountID), \(charge.id), \(now), \(true), \(review.reason), \(review.openedReason),
                \(review.closedReason), \(review.ipAddress), \(review.livemode))
            """)
        charge.reviewID = review.id
        try await emit("review.opened", review.json, id: review.id)
    }

    /// Approves an open review (`review.closed`, reason `approved`).
    public func approveReview(_ id: String) async throws -> Review {
        var review = try await lockedRow(.reviews, id, Review.init(row:))
        guard review.open else {
            throw StripeError(status: 400, type: .invalidRequest, code: "review_already_closed",
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

    static func country(ofAddress text: String?) -> String? {
        guard let text, let data = text.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let country = object["country"] as? String, !country.isEmpty
        else { return nil }
        return country
    }
}
