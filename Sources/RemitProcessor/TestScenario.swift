import RemitCore

/// What a test card does when charged (Stripe's testing documentation, research stripe.md §2.11).
public enum TestScenario: Sendable, Equatable {
    case success
    case decline(code: String, declineCode: String, message: String)
    /// Radar blocks it: risk level `highest`, outcome `blocked`, decline code `fraudulent`.
    case blocked(riskLevel: String)
    /// Approved but held for review: risk level `elevated`, outcome `manual_review`.
    case elevatedRisk
    case dispute(reason: String, status: DisputeStatus)
    /// Succeeds with funds available at once.
    case bypassPending
}
