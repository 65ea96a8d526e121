/// Where the score thresholds sit: Flow 4's rule, score ≥ 0.9 blocks and ≥ 0.7 sends to review.
public struct FraudPolicy: Sendable, Equatable {
    public var blockThreshold: Double
    public var reviewThreshold: Double

    public static let standard = FraudPolicy(blockThreshold: 0.9, reviewThreshold: 0.7)

    public init(blockThreshold: Double, reviewThreshold: Double) {
        self.blockThreshold = blockThreshold
        self.reviewThreshold = reviewThreshold
    }

    public func decide(score: Double) -> FraudDecision {
        if score >= blockThreshold { return .block }
        if score >= reviewThreshold { return .review }
        return .approve
    }
}

/// What the fraud check decided for a charge.
public enum FraudDecision: String, Sendable, Codable {
    case approve
    case review
    case block

    /// Stripe's `outcome.risk_level` vocabulary.
    public var riskLevel: String {
        switch self {
        case .approve: "normal"
        case .review: "elevated"
        case .block: "highest"
        }
    }
}
