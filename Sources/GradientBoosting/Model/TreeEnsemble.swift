/// A trained gradient-boosted tree model for binary classification, ready to score single rows.
///
/// Scoring follows XGBoost's CPU predictor exactly: inputs are compared as `Float`, `x < threshold` goes
/// left, NaN is missing and follows the node's default direction, the margin starts at the base margin and
/// adds leaf values tree by tree in float32. Margins are therefore bit-identical to XGBoost's.
public struct TreeEnsemble: Sendable {
    public let objective: Objective
    /// `base_score` as stored in the model (a probability for ``Objective/logistic``).
    public let baseScore: Float
    public let baseMargin: Float
    public let featureNames: [String]
    /// Per feature: `"c"` marks a categorical feature, anything else is numeric (XGBoost's `feature_types`).
    public let featureTypes: [String]
    public let featureCount: Int
    /// The trees, in XGBoost's layout.
    public let trees: [RegressionTree]
    /// Trees of boosting round r are `iterationBounds[r] ..< iterationBounds[r + 1]`.
    public let iterationBounds: [Int]
    /// The round early stopping chose (XGBoost's `best_iteration` attribute), if any.
    public let bestIteration: Int?
    /// Free-form attributes saved with the model (strings, as in XGBoost).
    public let attributes: [String: String]
    /// The objective's parameters as saved (`scale_pos_weight`), kept so a saved model says how it was trained.
    public let objectiveParameters: [String: String]
    /// The trees scored: those of rounds `0 ... bestIteration`, or all of them.
    public let scoredTreeCount: Int

    let nodes: [PackedNode]
    let roots: [Int32]
    let categorySets: [CategorySet]
    let categoryWords: [UInt64]
    /// Per packed node: the cover-weighted mean leaf value below it.
    let meanValues: [Double]
    let coverShares: [Double]
    /// The deepest tree scored, for sizing explanation workspaces.
    let maxDepth: Int
    /// TreeSHAP's precomputed leaf credits, built on the first explanation and shared by copies of the model.
    let leafSubsets = LeafSubsetCache()

    public init(
        objective: Objective, baseScore: Float, featureNames: [String], featureTypes: [String] = [],
        featureCount: Int, trees: [RegressionTree], iterationBounds: [Int]? = nil, bestIteration: Int? = nil,
        attributes: [String: String] = [:], objectiveParameters: [String: String] = [:]
    ) throws(ModelError) {
        self.objectiveParameters = objectiveParameters
        self.objective = objective
        self.baseScore = baseScore
        self.baseMargin = objective.baseMargin(fromStoredBaseScore: baseScore)
        self.featureNames = featureNames
        self.featureTypes = featureTypes
        self.featureCount = featureCount
        self.trees = trees
        let bounds = iterationBounds ?? Array(0...trees.count)
        guard bounds.first == 0, bounds.last == trees.count, zip(bounds, bounds.dropFirst()).allSatisfy({ $0 <= $1 })
        else { throw ModelError("iteration_indptr does not cover the \(trees.count) trees in order") }
        self.iterationBounds = bounds
        self.bestIteration = bestIteration
        self.attributes = attributes
        if let bestIteration {
            guard bestIteration >= 0, bestIteration + 1 < bounds.count else {
                throw ModelError("best_iteration \(bestIteration) is past the model's \(bounds.count - 1) rounds")
            }
            scoredTreeCount = bounds[bestIteration + 1]
        } else {
            scoredTreeCount = trees.count
        }
        guard featureNames.isEmpty || featureNames.count == featureCount else {
            throw ModelError("\(featureNames.count) feature names for \(featureCount) features")
        }
        var packer = TreePacker(featureCount: featureCount)
        for (index, tree) in trees.enumerated() {
            try packer.pack(tree, index: index)
        }
        nodes = packer.nodes
        roots = packer.roots
        categorySets = packer.categorySets
        categoryWords = packer.categoryWords
        meanValues = packer.meanValues
        coverShares = packer.coverShares
        maxDepth = packer.maxDepth
    }

    /// The raw margin (log-odds) of one row of `featureCount` values; NaN is missing.
    ///
    /// Four trees are walked in lockstep so their independent node loads overlap; leaf values are still added
    /// one tree at a time, in order, so the float32 sum is XGBoost's.
    @inline(__always)
    public func margin(_ row: UnsafeBufferPointer<Float>) -> Float {
        precondition(row.count >= featureCount, "a row needs \(featureCount) values")
        var sum = baseMargin
        let treeCount = scoredTreeCount
        nodes.withUnsafeBufferPointer { nodes in
            roots.withUnsafeBufferPointer { roots in
                var tree = 0
                while tree + 4 <= treeCount {
                    var a = Int(roots[tree]), b = Int(roots[tree + 1]), c = Int(roots[tree + 2]), d = Int(roots[tree + 3])
                    while !(nodes[a].isLeaf && nodes[b].isLeaf && nodes[c].isLeaf && nodes[d].isLeaf) {
                        a = step(a, row: row, nodes: nodes)
                        b = step(b, row: row, nodes: nodes)
                        c = step(c, row: row, nodes: nodes)
                        d = step(d, row: row, nodes: nodes)
                    }
                    sum += nodes[a].value
                    sum += nodes[b].value
                    sum += nodes[c].value
                    sum += nodes[d].value
                    tree += 4
                }
                while tree < treeCount {
                    sum += nodes[leafIndex(from: Int(roots[tree]), row: row, nodes: nodes)].value
                    tree += 1
                }
            }
        }
        return sum
    }

    /// One step down from `index`; a leaf stays where it is.
    @inline(__always)
    func step(_ index: Int, row: UnsafeBufferPointer<Float>, nodes: UnsafeBufferPointer<PackedNode>) -> Int {
        let node = nodes[index]
        if node.isLeaf { return index }
        return Int(node.left) &+ (goesLeft(node, row[Int(node.feature)]) ? 0 : 1)
    }

    /// The model's output for one row: a probability for ``Objective/logistic``, the margin for logitraw.
    @inline(__always)
    public func predict(_ row: UnsafeBufferPointer<Float>) -> Float {
        objective.transform(margin: margin(row))
    }

    public func predict(_ row: [Float]) -> Float {
        row.withUnsafeBufferPointer { predict($0) }
    }

    @inline(__always)
    func leafIndex(from root: Int, row: UnsafeBufferPointer<Float>, nodes: UnsafeBufferPointer<PackedNode>) -> Int {
        var index = root
        while true {
            let node = nodes[index]
            if node.isLeaf { return index }
            index = Int(node.left) + (goesLeft(node, row[Int(node.feature)]) ? 0 : 1)
        }
    }

    @inline(__always)
    func goesLeft(_ node: PackedNode, _ value: Float) -> Bool {
        if node.categorySet < 0 {
            // NaN fails both comparisons: `!(v >= t)` sends it left, `v < t` sends it right.
            return node.defaultLeft ? !(value >= node.value) : value < node.value
        }
        if value.isNaN { return node.defaultLeft }
        return !categorySetContains(Int(node.categorySet), value)
    }

    /// XGBoost's `common::Decision`: negative, too large or out-of-set categories go left.
    @inline(__always)
    func categorySetContains(_ set: Int, _ value: Float) -> Bool {
        guard value >= 0, value < 16_777_216 else { return false }
        let category = Int(value)
        let range = categorySets[set]
        let word = category >> 6
        guard word < Int(range.wordCount) else { return false }
        return categoryWords[Int(range.start) + word] & (1 << UInt64(category & 63)) != 0
    }
}
