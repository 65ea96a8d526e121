/// One tree in XGBoost's own struct-of-arrays layout (`doc/model.schema`), indexed by node id, root 0.
///
/// This is the exchange form: the JSON reader fills it, the trainer grows it, the writer saves it.
/// Scoring uses ``TreeEnsemble``'s packed copy instead.
public struct RegressionTree: Sendable, Equatable {
    /// Child ids; both are -1 on a leaf.
    public var leftChildren: [Int32] = []
    public var rightChildren: [Int32] = []
    /// The feature each internal node splits on (0 on leaves).
    public var splitIndices: [Int32] = []
    /// The threshold of an internal node, or the (already shrunk) value of a leaf.
    public var splitConditions: [Float] = []
    /// Where a missing value goes.
    public var defaultLeft: [Bool] = []
    /// Per node: the categories that go right, for categorical splits; `nil` for numeric splits.
    public var rightCategories: [[Int32]?] = []
    /// The un-shrunk weight −G/(H+λ) (equal to the leaf value on leaves in XGBoost's dumps).
    public var baseWeights: [Float] = []
    /// The split gain (0 on leaves).
    public var lossChanges: [Float] = []
    /// The cover H of the node: the sum of the training hessians that reached it.
    public var sumHessian: [Float] = []

    public init() {}

    public var nodeCount: Int { leftChildren.count }

    public func isLeaf(_ node: Int) -> Bool { leftChildren[node] == -1 }

    /// Appends a node and returns its id.
    @discardableResult
    public mutating func appendLeaf(value: Float, weight: Float, cover: Float) -> Int {
        leftChildren.append(-1)
        rightChildren.append(-1)
        splitIndices.append(0)
        splitConditions.append(value)
        defaultLeft.append(false)
        rightCategories.append(nil)
        baseWeights.append(weight)
        lossChanges.append(0)
        sumHessian.append(cover)
        return leftChildren.count - 1
    }

    /// Turns leaf `node` into a numeric split with two new leaf children; returns their ids.
    public mutating func split(
        _ node: Int, feature: Int, threshold: Float, defaultLeft goesLeft: Bool, gain: Float,
        left: (value: Float, weight: Float, cover: Float), right: (value: Float, weight: Float, cover: Float)
    ) -> (left: Int, right: Int) {
        let l = appendLeaf(value: left.value, weight: left.weight, cover: left.cover)
        let r = appendLeaf(value: right.value, weight: right.weight, cover: right.cover)
        leftChildren[node] = Int32(l)
        rightChildren[node] = Int32(r)
        splitIndices[node] = Int32(feature)
        splitConditions[node] = threshold
        defaultLeft[node] = goesLeft
        lossChanges[node] = gain
        return (l, r)
    }

    /// Parent ids, as XGBoost writes them (the root's parent is 2147483647).
    public var parents: [Int32] {
        var parents = [Int32](repeating: Int32.max, count: nodeCount)
        for node in 0..<nodeCount where !isLeaf(node) {
            parents[Int(leftChildren[node])] = Int32(node)
            parents[Int(rightChildren[node])] = Int32(node)
        }
        return parents
    }

    /// The depth of the deepest reachable leaf (a lone root has depth 0).
    public var depth: Int {
        var deepest = 0
        var stack: [(node: Int, depth: Int)] = [(0, 0)]
        while let (node, depth) = stack.popLast() {
            if isLeaf(node) {
                deepest = max(deepest, depth)
            } else {
                stack.append((Int(leftChildren[node]), depth + 1))
                stack.append((Int(rightChildren[node]), depth + 1))
            }
        }
        return deepest
    }
}
