/// A PaymentIntent's status and the transitions Stripe allows (research/payment-intents.md §1.2).
///
/// An intent waits for a payment method, then for its confirmation; a confirmation ends `succeeded` (automatic
/// capture), `requires_capture` (manual), `requires_action` (3-D Secure), or back at `requires_payment_method` (a
/// decline, a failed or refused authentication). Card intents never show `processing`; methods that settle later do.
/// `succeeded` and `canceled` are final.
public enum PaymentIntentStatus: String, Sendable, CaseIterable {
    case requiresPaymentMethod = "requires_payment_method"
    case requiresConfirmation = "requires_confirmation"
    case requiresAction = "requires_action"
    case processing
    case requiresCapture = "requires_capture"
    case canceled
    case succeeded

    public var isFinal: Bool { self == .succeeded || self == .canceled }

    /// Whether `POST …/confirm` may run (else 400 `payment_intent_unexpected_state`).
    public var acceptsConfirmation: Bool {
        self == .requiresPaymentMethod || self == .requiresConfirmation || self == .requiresAction
    }

    /// Whether `POST …/cancel` may run.
    public var acceptsCancellation: Bool { !isFinal }

    /// Whether `POST …/capture` may run.
    public var acceptsCapture: Bool { self == .requiresCapture }

    /// Whether `next` may follow this status.
    public func canTransition(to next: PaymentIntentStatus) -> Bool {
        switch (self, next) {
        case (.requiresPaymentMethod, .requiresConfirmation): true  // a payment method attached by update
        case (.requiresConfirmation, .requiresPaymentMethod): true  // confirmed and declined, or the method removed
        case (.requiresAction, .requiresPaymentMethod): true  // authentication failed, or declined after it
        case (.requiresAction, .requiresConfirmation): true  // authenticated, confirmation_method=manual
        case (.processing, .requiresPaymentMethod): true  // a delayed method failed
        case (let from, .requiresAction) where from.acceptsConfirmation: from != .requiresAction
        case (let from, .processing) where from.acceptsConfirmation: true
        case (let from, .requiresCapture) where from.acceptsConfirmation || from == .processing: true
        case (let from, .succeeded) where from.acceptsConfirmation || from == .processing || from == .requiresCapture: true
        case (let from, .canceled): from.acceptsCancellation
        default: false
        }
    }
}
