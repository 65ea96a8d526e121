#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The learning objectives Remit scores and trains: binary classification.
public enum Objective: String, Sendable, Codable {
    /// Output is a probability: the sigmoid of the margin; `base_score` is stored as a probability.
    case logistic = "binary:logistic"
    /// Output is the margin itself; `base_score` is stored as a margin.
    case logitRaw = "binary:logitraw"

    /// The starting margin for a stored `base_score` (XGBoost's `LogisticProbToMargin`, in float32).
    public func baseMargin(fromStoredBaseScore score: Float) -> Float {
        switch self {
        case .logitRaw:
            return score
        case .logistic:
            let p = min(max(score, 1e-6), 1 - 1e-6)
            return -logf(1 / p - 1)
        }
    }

    /// The output for a margin.
    @inline(__always)
    public func transform(margin: Float) -> Float {
        switch self {
        case .logitRaw: return margin
        case .logistic: return Logistic.sigmoid(margin)
        }
    }
}

/// XGBoost's float32 logistic helpers (`src/common/math.h`).
public enum Logistic {
    /// `1 / (expf(min(-x, 88.7)) + 1)`, bit for bit as XGBoost computes it.
    @inline(__always)
    public static func sigmoid(_ x: Float) -> Float {
        1 / (expf(min(-x, 88.7)) + 1)
    }

    /// The margin whose sigmoid is `p`.
    public static func logit(_ p: Double) -> Double {
        log(p / (1 - p))
    }
}
