/// A charge's status and the transitions Stripe allows.
///
/// A charge is written once decided: `succeeded` (authorized, captured or not) or `failed` (declined, blocked).
/// `pending` is for payment methods that settle later; no Remit card charge is written in it today. Refunds,
/// captures and disputes change other fields, never a decided status.
public enum ChargeStatus: String, Sendable, CaseIterable {
    case pending
    case succeeded
    case failed

    /// Whether `next` may follow this status.
    public func canTransition(to next: ChargeStatus) -> Bool {
        switch (self, next) {
        case (.pending, .succeeded), (.pending, .failed): true
        default: false
        }
    }
}
