import Foundation
import GradientBoosting

/// The fraud check of one charge: the features it saw, the model's score and what was decided.
public struct FraudAssessment: Sendable {
    public var vector: FeatureVector
    /// nil when no model is active (`risk_level = not_assessed`).
    public var score: Double?
    public var modelVersion: String?
    public var decision: FraudDecision
    /// The reasons behind a review or a block, worked out when it was decided.
    public var explanation: FraudExplanation?
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

    public init(contributions: [Double], bias: Double, reasons: [String]) {
        self.contributions = contributions
        self.bias = bias
        self.reasons = reasons
    }

    /// `method`: ``TreeSHAP/Method/recursive`` for a model explained once (its table would cost more than it saves).
    public init(model: FraudModel, vector: FeatureVector, writer: ReasonWriter = ReasonWriter(),
                method: TreeSHAP.Method = .automatic) {
        var explainer = TreeSHAP(model: model.ensemble, method: method)
        let phi = explainer.contributions(vector.values)
        contributions = Array(phi.dropLast())
        bias = phi.last ?? 0
        reasons = writer.reasons(vector: vector, contributions: contributions)
    }
}

extension Comparable {
    func clamped(to range: ClosedRange<Self>) -> Self { min(max(self, range.lowerBound), range.upperBound) }
}

extension FraudExplanation {
    /// `{"contributions":[…],"bias":…,"reasons":[…]}` for storage.
    public var storageText: String {
        let data = try? JSONSerialization.data(withJSONObject: [
            "contributions": contributions, "bias": bias, "reasons": reasons,
        ] as [String: Any], options: [.sortedKeys])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    public init?(storageText: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(storageText.utf8)) as? [String: Any],
              let contributions = object["contributions"] as? [Double], let bias = object["bias"] as? Double,
              let reasons = object["reasons"] as? [String], contributions.count == FraudFeature.allCases.count
        else { return nil }
        self.init(contributions: contributions, bias: bias, reasons: reasons)
    }
}
