/// A dispute's status and the transitions Stripe allows between them.
///
/// Inquiries (`warning_*`) move no money. A chargeback withdraws the amount when it opens; winning it reinstates
/// the amount once, losing it keeps the withdrawal. A closed dispute never changes again.
public enum DisputeStatus: String, Sendable, CaseIterable {
    case warningNeedsResponse = "warning_needs_response"
    case warningUnderReview = "warning_under_review"
    case warningClosed = "warning_closed"
    case needsResponse = "needs_response"
    case underReview = "under_review"
    case won
    case lost

    public var isInquiry: Bool {
        switch self {
        case .warningNeedsResponse, .warningUnderReview, .warningClosed: true
        case .needsResponse, .underReview, .won, .lost: false
        }
    }

    public var isClosed: Bool {
        switch self {
        case .warningClosed, .won, .lost: true
        case .warningNeedsResponse, .warningUnderReview, .needsResponse, .underReview: false
        }
    }

    /// A chargeback that is open or lost: its charge cannot be refunded (`charge_disputed`), since the cardholder
    /// has the money back already or may get it.
    public var blocksRefunds: Bool {
        switch self {
        case .needsResponse, .underReview, .lost: true
        case .warningNeedsResponse, .warningUnderReview, .warningClosed, .won: false
        }
    }

    /// Whether `next` may follow this status.
    public func canTransition(to next: DisputeStatus) -> Bool {
        switch (self, next) {
        case (.warningNeedsResponse, .warningUnderReview), (.warningNeedsResponse, .warningClosed),
             (.warningUnderReview, .warningUnderReview), (.warningUnderReview, .warningClosed),
             (.needsResponse, .underReview), (.needsResponse, .lost),
             (.underReview, .underReview), (.underReview, .won), (.underReview, .lost):
            true
        default:
            false
        }
    }

    /// The status after evidence is submitted.
    public var submitted: DisputeStatus { isInquiry ? .warningUnderReview : .underReview }

    /// The status when the merchant accepts (closes) the dispute: a chargeback is lost, an inquiry just closes.
    public var accepted: DisputeStatus { isInquiry ? .warningClosed : .lost }

    /// The status once the bank decides, from `under_review`: an inquiry closes either way.
    public func decided(won: Bool) -> DisputeStatus {
        isInquiry ? .warningClosed : (won ? .won : .lost)
    }
}
