/// A subscription's status and the transitions Stripe allows between them.
///
/// A subscription whose first payment fails starts `incomplete` and, unpaid for 23 hours, ends
/// `incomplete_expired`; a paid one is `active` (or `trialing` first). A renewal that fails makes it `past_due`, then
/// `unpaid` or `canceled` as the dunning settings say; `paused` stops invoicing. `canceled` and `incomplete_expired`
/// are final. Remit's billing writes `active`, `incomplete` and `canceled` today; the others are the renewal
/// engine's (issue #25).
public enum SubscriptionStatus: String, Sendable, CaseIterable {
    case incomplete
    case incompleteExpired = "incomplete_expired"
    case trialing
    case active
    case pastDue = "past_due"
    case unpaid
    case paused
    case canceled

    /// Nothing follows a final status: a canceled subscription only updates its metadata.
    public var isFinal: Bool { self == .canceled || self == .incompleteExpired }

    /// Whether `next` may follow this status.
    public func canTransition(to next: SubscriptionStatus) -> Bool {
        switch (self, next) {
        case (.incomplete, .active), (.incomplete, .incompleteExpired), (.incomplete, .canceled): true
        case (.trialing, .active), (.trialing, .pastDue), (.trialing, .paused), (.trialing, .canceled): true
        case (.active, .pastDue), (.active, .paused), (.active, .canceled): true
        case (.pastDue, .active), (.pastDue, .unpaid), (.pastDue, .canceled): true
        case (.unpaid, .active), (.unpaid, .canceled): true
        case (.paused, .active), (.paused, .canceled): true
        default: false
        }
    }
}
