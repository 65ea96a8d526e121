/// A refund's status and the transitions Stripe allows between them.
///
/// A card refund is `succeeded` as soon as it is written (the funds leave the balance in the same transaction).
/// Methods that settle later start `pending` (or `requires_action` when the customer must give details) and end
/// `succeeded`, `failed` (the funds return to the balance) or `canceled`. A final status never changes.
public enum RefundStatus: String, Sendable, CaseIterable {
    case pending
    case requiresAction = "requires_action"
    case succeeded
    case failed
    case canceled

    /// Whether `next` may follow this status.
    public func canTransition(to next: RefundStatus) -> Bool {
        switch (self, next) {
        case (.requiresAction, .pending), (.requiresAction, .canceled), (.requiresAction, .failed): true
        case (.pending, .succeeded), (.pending, .failed), (.pending, .canceled): true
        case (.succeeded, .failed): true  // a card refund the issuer returns, days later
        default: false
        }
    }
}
