import RemitCore
import RemitProcessor

/// How the risk verdict shows on a charge's `outcome` (Stripe's Radar vocabulary).
enum FraudOutcomes {
    /// Score ≥ the block threshold: declined before the network, `decline_code = fraudulent`.
    static func blocked(_ assessment: RiskAssessment) -> Authorization {
        let outcome = Outcome(
            type: "blocked", networkStatus: "not_sent_to_network", riskLevel: "highest",
            riskScore: assessment.riskScore ?? 100, reason: "highest_risk_level",
            sellerMessage: "Remit blocked this payment as too risky.")
        return Authorization(
            result: .declined(code: "card_declined", declineCode: "fraudulent", message: TestCards.declined),
            outcome: outcome)
    }

    /// The network's answer with the model's risk on it: elevated risk goes to manual review. Issuer
    /// declines keep the issuer's outcome; Stripe's test instruments keep theirs entirely.
    static func applying(_ check: RiskAssessment, to authorization: Authorization) -> Authorization {
        guard check.acts, case .approved = authorization.result, let riskScore = check.riskScore else {
            return authorization
        }
        var result = authorization
        switch check.verdict {
        case .review, .authenticate:
            result.outcome = Outcome(
                type: "manual_review", networkStatus: "approved_by_network", riskLevel: "elevated",
                riskScore: riskScore, reason: "elevated_risk_level",
                sellerMessage: "Remit evaluated this payment as having elevated risk, and placed it in your manual review queue.")
        case .approve, .block:
            result.outcome.riskLevel = check.riskLevel
            result.outcome.riskScore = riskScore
        }
        return result
    }
}
