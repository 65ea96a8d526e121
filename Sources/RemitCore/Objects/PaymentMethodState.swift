/// Where a saved PaymentMethod stands for reuse (research/payment-intents.md §5). Stripe shows it only through
/// `customer` and through the errors a reuse gets; Remit stores it so the rule is a compare-and-set, not a guess.
///
/// A new PaymentMethod is `unattached`: it may be attached to one customer, or used once without one. Attached, it
/// may be used again and again for that customer until it is detached. A detached PaymentMethod, or one already used
/// without a customer, is `spent`: "Detachment is permanent and irreversible", and any later use is a 400.
public enum PaymentMethodState: String, Sendable, CaseIterable {
    case unattached
    case attached
    case spent

    /// Whether `next` may follow this state.
    public func canTransition(to next: PaymentMethodState) -> Bool {
        switch (self, next) {
        case (.unattached, .attached), (.unattached, .spent), (.attached, .spent): true
        default: false
        }
    }
}
