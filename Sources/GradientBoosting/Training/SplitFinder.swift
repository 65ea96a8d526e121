/// The best split of a node from its gradient histogram, by XGBoost's gain
/// `T(G_L)²/(H_L+λ) + T(G_R)²/(H_R+λ) − T(G)²/(H+λ)` (T = L1 soft threshold by α; no ½ and no γ inside).
struct SplitFinder {
    let parameters: TrainingParameters
    let matrix: BinnedMatrix
    let cuts: QuantileCuts

    struct Candidate {
        var gain = 0.0
        var feature = -1
        /// Rows whose feature-local bin is below this go left; missing values follow `defaultLeft`.
        var splitBin = 0
        var defaultLeft = false
        var threshold: Float = 0
        var left = Sums()
        var right = Sums()
    }

    struct Sums {
        var gradient = 0.0
        var hessian = 0.0
    }

    @inline(__always)
    func thresholdL1(_ g: Double) -> Double {
        guard parameters.alpha > 0 else { return g }
        if g > parameters.alpha { return g - parameters.alpha }
        if g < -parameters.alpha { return g + parameters.alpha }
        return 0
    }

    @inline(__always)
    func score(_ sums: Sums) -> Double {
        let g = thresholdL1(sums.gradient)
        return g * g / (sums.hessian + parameters.lambda)
    }

    /// The optimal (un-shrunk) leaf weight −T(G)/(H+λ).
    func weight(_ sums: Sums) -> Double { -thresholdL1(sums.gradient) / (sums.hessian + parameters.lambda) }

    func best(histogram: GradientHistogram, total: Sums, features: [Int]) -> Candidate? {
        var best = Candidate()
        let parentScore = score(total)
        let minChild = parameters.minChildWeight
        histogram.values.withUnsafeBufferPointer { h in
            for feature in features {
                let offset = matrix.offsets[feature], bins = matrix.binCounts[feature]
                let missing = Sums(gradient: h[2 * (offset + bins)], hessian: h[2 * (offset + bins) + 1])
                let featureCuts = cuts.cuts[feature]
                // Forward: bins 0...b go left, missing goes right.
                var left = Sums()
                for b in 0..<bins {
                    left.gradient += h[2 * (offset + b)]
                    left.hessian += h[2 * (offset + b) + 1]
                    let right = Sums(gradient: total.gradient - left.gradient, hessian: total.hessian - left.hessian)
                    guard left.hessian >= minChild, right.hessian >= minChild else { continue }
                    let gain = score(left) + score(right) - parentScore
                    if gain > best.gain {
                        best = Candidate(
                            gain: gain, feature: feature, splitBin: b + 1, defaultLeft: false,
                            threshold: featureCuts[b], left: left, right: right)
                    }
                }
                // Backward, only when the node has missing values: bins b..<bins go right, missing goes left.
                guard missing.hessian > 0 else { continue }
                var right = Sums()
                var b = bins - 1
                while b >= 0 {
                    right.gradient += h[2 * (offset + b)]
                    right.hessian += h[2 * (offset + b) + 1]
                    let left = Sums(gradient: total.gradient - right.gradient, hessian: total.hessian - right.hessian)
                    if left.hessian >= minChild, right.hessian >= minChild {
                        let gain = score(left) + score(right) - parentScore
                        if gain > best.gain {
                            best = Candidate(
                                gain: gain, feature: feature, splitBin: b, defaultLeft: true,
                                threshold: b > 0 ? featureCuts[b - 1] : cuts.minimums[feature], left: left, right: right)
                        }
                    }
                    b -= 1
                }
            }
        }
        guard best.feature >= 0, best.gain > 1e-6, best.gain >= parameters.gamma else { return nil }
        return best
    }
}
