import GradientBoosting

/// The fraud check of one charge: the features it saw, the model's score and what was decided.
public struct FraudAssessment: Sendable {
    public var vector: FeatureVector
    /// nil when no model is active (`risk_level = not_assessed`).
    public var score: Double?
    public var modelVersion: String?
    public var decision: FraudDecision
    /// The shadow model's score and would-be decision, logged for comparison, never acted on.
    public var shadowScore: Double?
    public var shadowModelVersion: String?

    /// Stripe's `outcome.risk_score`, 0–100.
    public var riskScore: Int64? { score.map { Int64(($0 * 100).rounded(.down)).clamped(to: 0...100) } }
}

/// Per-feature contributions and the sentences drawn from them.
public struct FraudExplanation: Sendable {
    public var contributions: [Double]
    public var bias: Double
    public var reasons: [String]

    public init(model: FraudModel, vector: FeatureVector, writer: ReasonWriter = ReasonWriter()) {
        var explainer = TreeSHAP(model: model.ensemble)
        let phi = explainer.contributions(vector.values)
        contributions = Array(phi.dropLast())
        bias = phi.last ?? 0
        reasons = writer.reasons(vector: vector, contributions: contributions)
    }
}

extension Comparable {
    func clamped(to range: ClosedRange<Self>) -> Self { min(max(self, range.lowerBound), range.upperBound) }
}
