/// Hyper-parameters of the histogram trainer, named and defaulted as in XGBoost 3.x (`tree_method=hist`).
public struct TrainingParameters: Sendable, Codable, Equatable {
    /// Boosting rounds (XGBoost's `num_boost_round`; `n_estimators` in its scikit-learn wrapper, default 100).
    public var rounds = 100
    public var maxDepth = 6
    /// Learning rate η.
    public var eta = 0.3
    /// L2 regularisation on leaf weights.
    public var lambda = 1.0
    /// L1 regularisation on leaf weights.
    public var alpha = 0.0
    /// Minimum gain to split (`min_split_loss`).
    public var gamma = 0.0
    /// Minimum hessian sum in a child.
    public var minChildWeight = 1.0
    /// Largest number of histogram bins per feature.
    public var maxBin = 256
    /// The share of rows sampled (without replacement, per round).
    public var subsample = 1.0
    /// The share of features sampled per tree.
    public var colsampleByTree = 1.0
    /// The weight of positive rows (XGBoost suggests #negatives / #positives for imbalanced data).
    public var scalePosWeight = 1.0
    public var seed: UInt64 = 0
    /// Stop when the validation log-loss has not improved for this many rounds.
    public var earlyStoppingRounds: Int?
    /// CPU threads for histogram building.
    public var threads = 1

    public init() {}

    public func validate() throws(ModelError) {
        func check(_ ok: Bool, _ message: String) throws(ModelError) { if !ok { throw ModelError(message) } }
        try check(rounds >= 1, "trees must be at least 1")
        try check((1...16).contains(maxDepth), "max-depth must be between 1 and 16")
        try check(eta > 0 && eta <= 1, "eta must be in (0, 1]")
        try check(lambda >= 0 && alpha >= 0 && gamma >= 0, "lambda, alpha and gamma must not be negative")
        try check(minChildWeight >= 0, "min-child-weight must not be negative")
        try check((2...65_535).contains(maxBin), "max-bin must be between 2 and 65535")
        try check(subsample > 0 && subsample <= 1, "subsample must be in (0, 1]")
        try check(colsampleByTree > 0 && colsampleByTree <= 1, "colsample-bytree must be in (0, 1]")
        try check(scalePosWeight > 0, "scale-pos-weight must be positive")
        try check(earlyStoppingRounds.map { $0 >= 1 } ?? true, "early-stopping must be at least 1")
        try check((1...256).contains(threads), "threads must be between 1 and 256")
    }
}
