import RemitCore
import RemitProcessor
import RemitSQL

/// The seam flow 4 plugs into: the risk check a charge runs inside its own write transaction, after the
/// idempotency key is claimed and before authorization, so a block never reaches the network and one key's
/// history is read as the charges before it left it. The ledger knows only the verdict; the check owns its
/// tables (its reads and its record go through the transaction's connection, so they commit with the charge).
public protocol RiskCheck: Sendable {
    /// Scores a charge about to be authorized.
    func assess(_ subject: RiskSubject, in scope: RiskScope) async throws -> RiskAssessment
    /// A dispute was opened on a charge: the label the check learns from.
    func disputeOpened(chargeID: String, reason: String, in scope: RiskScope) async throws
}

/// Where a risk check runs: the charge's transaction, its account, the ledger's time.
public struct RiskScope: Sendable {
    public let connection: any SQLConnection
    public let accountID: String
    public let now: Int64
}

/// What the check sees of a charge before it is written.
public struct RiskSubject: Sendable {
    public let request: ChargeRequest
    /// The card, with `authentication.authenticated` set when the customer completed a challenge for this payment.
    public let card: ResolvedCard
    public let customer: Customer?
    /// The payment can still send the customer to a 3-D Secure challenge instead of being charged: an on-session
    /// PaymentIntent confirmation, not yet authenticated, on a card enrolled in 3-D Secure (research §10).
    public let mayRequestAuthentication: Bool
}

/// A risk check's verdict, as the ledger acts on it.
public struct RiskAssessment: Sendable {
    public enum Verdict: Sendable {
        case approve, review, block
        /// Ask the customer to authenticate first (only when the subject ``RiskSubject/mayRequestAuthentication``):
        /// no charge is written; the charge after a completed challenge is assessed again, authenticated.
        case authenticate
    }

    public var verdict: Verdict
    /// 0–100, shown on the charge's `outcome.risk_score`; nil when no model scored it.
    public var riskScore: Int64?
    /// Stripe's `outcome.risk_level` for an approved payment: `normal`, or `elevated` when a review-band payment was
    /// approved because the customer authenticated.
    public var riskLevel = "normal"
    /// Whether the verdict acts on the charge (Stripe's named test instruments keep their documented outcomes
    /// and are only scored).
    public var acts: Bool
    /// The card's issuing country, when the check's references know it better than the processor.
    public var cardCountry: String?
    /// Keeps the assessment with the written charge (its id, whether it was approved), in the same transaction.
    public var record: @Sendable (_ chargeID: String, _ approved: Bool) async throws -> Void

    public init(verdict: Verdict, riskScore: Int64?, acts: Bool, cardCountry: String?,
                record: @escaping @Sendable (_ chargeID: String, _ approved: Bool) async throws -> Void) {
        self.verdict = verdict
        self.riskScore = riskScore
        self.acts = acts
        self.cardCountry = cardCountry
        self.record = record
    }

    /// No check is installed: nothing scored, nothing kept.
    public static let unassessed = RiskAssessment(verdict: .approve, riskScore: nil, acts: false, cardCountry: nil) { _, _ in }
}
