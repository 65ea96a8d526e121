/// A SetupIntent's status and the transitions Stripe allows (research/payment-intents.md §4): as a PaymentIntent's
/// without capture. On `succeeded` its payment method is attached to the customer. `succeeded` and `canceled` are
/// final.
public enum SetupIntentStatus: String, Sendable, CaseIterable {
    case requiresPaymentMethod = "requires_payment_method"
    case requiresConfirmation = "requires_confirmation"
    case requiresAction = "requires_action"
    case processing
    case canceled
    case succeeded

    public var isFinal: Bool { self == .succeeded || self == .canceled }

    /// Whether `POST …/confirm` may run (else 400 `setup_intent_unexpected_state`).
    public var acceptsConfirmation: Bool {
        self == .requiresPaymentMethod || self == .requiresConfirmation || self == .requiresAction
    }

    /// Whether `next` may follow this status.
    public func canTransition(to next: SetupIntentStatus) -> Bool {
        switch (self, next) {
        case (.requiresPaymentMethod, .requiresConfirmation): true
        case (.requiresConfirmation, .requiresPaymentMethod), (.requiresAction, .requiresPaymentMethod): true
        case (.requiresAction, .requiresConfirmation): true
        case (.processing, .requiresPaymentMethod): true
        case (let from, .requiresAction) where from.acceptsConfirmation: from != .requiresAction
        case (let from, .processing) where from.acceptsConfirmation: true
        case (let from, .succeeded) where from.acceptsConfirmation || from == .processing: true
        case (let from, .canceled): !from.isFinal
        default: false
        }
    }
}
