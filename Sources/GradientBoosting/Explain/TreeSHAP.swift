/// Exact per-feature contributions to a row's margin: path-dependent TreeSHAP (Lundberg, Erion & Lee 2018,
/// arXiv:1802.03888, algorithm 2), the values XGBoost returns for `predict(…, pred_contribs=True)`.
///
/// Contributions are in margin (log-odds) space; the last entry is the bias (base margin plus each tree's
/// expected value), and all of them add up to the row's margin. "Absent" features are integrated out with the
/// training cover of each node. One explainer owns a preallocated path workspace, so explaining a row does not
/// allocate; it is not shared between tasks.
public struct TreeSHAP {
    public let model: TreeEnsemble
    private var path: [PathElement]
    private let reciprocals: [Double]

    struct PathElement {
        var feature: Int32 = -1
        var zeroFraction: Double = 0
        var oneFraction: Double = 0
        var weight: Double = 0
    }

    public init(model: TreeEnsemble) {
        self.model = model
        let depth = model.maxDepth + 2
        path = Array(repeating: PathElement(), count: depth * (depth + 1) / 2 + depth)
        reciprocals = (0...(depth + 1)).map { $0 == 0 ? 0 : 1 / Double($0) }
    }

    /// `featureCount + 1` contributions for one row; the last is the bias.
    public mutating func contributions(_ row: [Float]) -> [Double] {
        var phi = [Double](repeating: 0, count: model.featureCount + 1)
        row.withUnsafeBufferPointer { row in
            phi.withUnsafeMutableBufferPointer { contributions(row, into: $0) }
        }
        return phi
    }

    /// Writes `featureCount + 1` contributions for one row into `phi` (overwriting it).
    public mutating func contributions(_ row: UnsafeBufferPointer<Float>, into phi: UnsafeMutableBufferPointer<Double>) {
        precondition(row.count >= model.featureCount && phi.count == model.featureCount + 1)
        for i in phi.indices { phi[i] = 0 }
        let model = self.model
        var bias = Double(model.baseMargin)
        model.nodes.withUnsafeBufferPointer { nodes in
            path.withUnsafeMutableBufferPointer { path in
              reciprocals.withUnsafeBufferPointer { reciprocals in
                let walker = Walker(
                    nodes: nodes, covers: model.covers, row: row, phi: phi, model: model, path: path.baseAddress!,
                    reciprocals: reciprocals.baseAddress!)
                for tree in 0..<model.scoredTreeCount {
                    let root = Int(model.roots[tree])
                    bias += model.meanValues[root]
                    walker.recurse(
                        node: root, depth: 0, parentPath: path.baseAddress!, zeroFraction: 1, oneFraction: 1,
                        feature: -1)
                }
              }
            }
        }
        phi[model.featureCount] += bias
    }

    /// One tree walk: the row, the output and the path stack it shares.
    private struct Walker {
        let nodes: UnsafeBufferPointer<PackedNode>
        let covers: [Double]
        let row: UnsafeBufferPointer<Float>
        let phi: UnsafeMutableBufferPointer<Double>
        let model: TreeEnsemble
        let path: UnsafeMutablePointer<PathElement>
        /// `reciprocals[k] = 1/k` for the path lengths a tree can reach.
        let reciprocals: UnsafePointer<Double>

        func recurse(
            node: Int, depth parentDepth: Int, parentPath: UnsafeMutablePointer<PathElement>,
            zeroFraction: Double, oneFraction: Double, feature: Int32
        ) {
            var depth = parentDepth
            // Each level works on its own copy of the path, placed right after the parent's.
            let path = parentPath + (depth + 1)
            path.update(from: parentPath, count: depth + 1)
            extend(path, depth: depth, zeroFraction: zeroFraction, oneFraction: oneFraction, feature: feature)
            let current = nodes[node]
            if current.isLeaf {
                let value = Double(current.value)
                if depth > 0 {
                    for i in 1...depth {
                        let element = path[i]
                        let weight = unwoundSum(path, depth: depth, index: i)
                        phi[Int(element.feature)] += weight * (element.oneFraction - element.zeroFraction) * value
                    }
                }
                return
            }
            let left = Int(current.left), right = left + 1
            let hot = model.goesLeft(current, row[Int(current.feature)]) ? left : right
            let cold = hot == left ? right : left
            let cover = covers[node]
            let hotZero = cover > 0 ? covers[hot] / cover : 0
            let coldZero = cover > 0 ? covers[cold] / cover : 0
            var incomingZero = 1.0, incomingOne = 1.0
            // A feature already on the path is unwound, so its fractions combine with this split's.
            var index = 0
            while index <= depth, path[index].feature != current.feature { index += 1 }
            if index <= depth {
                incomingZero = path[index].zeroFraction
                incomingOne = path[index].oneFraction
                unwind(path, depth: depth, index: index)
                depth -= 1
            }
            recurse(
                node: hot, depth: depth + 1, parentPath: path, zeroFraction: hotZero * incomingZero,
                oneFraction: incomingOne, feature: current.feature)
            recurse(
                node: cold, depth: depth + 1, parentPath: path, zeroFraction: coldZero * incomingZero,
                oneFraction: 0, feature: current.feature)
        }

        @inline(__always)
        func extend(_ path: UnsafeMutablePointer<PathElement>, depth: Int, zeroFraction: Double, oneFraction: Double, feature: Int32) {
            path[depth] = PathElement(
                feature: feature, zeroFraction: zeroFraction, oneFraction: oneFraction, weight: depth == 0 ? 1 : 0)
            let denominator = Double(depth + 1)
            var i = depth - 1
            while i >= 0 {
                path[i + 1].weight += oneFraction * path[i].weight * Double(i + 1) / denominator
                path[i].weight = zeroFraction * path[i].weight * Double(depth - i) / denominator
                i -= 1
            }
        }

        @inline(__always)
        func unwind(_ path: UnsafeMutablePointer<PathElement>, depth: Int, index: Int) {
            let one = path[index].oneFraction, zero = path[index].zeroFraction
            var next = path[depth].weight
            let denominator = Double(depth + 1)
            var i = depth - 1
            if one != 0 {
                let scale = denominator / one, zeroScale = zero / denominator
                while i >= 0 {
                    let saved = path[i].weight
                    path[i].weight = next * scale / Double(i + 1)
                    next = saved - path[i].weight * zeroScale * Double(depth - i)
                    i -= 1
                }
            } else {
                let scale = denominator / zero
                while i >= 0 {
                    path[i].weight = path[i].weight * scale / Double(depth - i)
                    i -= 1
                }
            }
            var j = index
            while j < depth {
                path[j].feature = path[j + 1].feature
                path[j].zeroFraction = path[j + 1].zeroFraction
                path[j].oneFraction = path[j + 1].oneFraction
                j += 1
            }
        }

        /// The sum of the path weights with element `index` unwound, without changing the path.
        /// Divisions by small integers use the reciprocal table; the rest is multiplication.
        @inline(__always)
        func unwoundSum(_ path: UnsafeMutablePointer<PathElement>, depth: Int, index: Int) -> Double {
            let one = path[index].oneFraction, zero = path[index].zeroFraction
            var total = 0.0
            let denominator = Double(depth + 1)
            var i = depth - 1
            if one != 0 {
                var next = path[depth].weight
                let scale = denominator / one, zeroScale = zero / denominator
                while i >= 0 {
                    // The loop-carried chain is one multiply and one subtract; the factors are independent.
                    let factor = scale * reciprocals[i + 1]
                    let carry = factor * zeroScale * Double(depth - i)
                    total += next * factor
                    next = path[i].weight - next * carry
                    i -= 1
                }
            } else if zero != 0 {
                let scale = denominator / zero
                while i >= 0 {
                    total += path[i].weight * scale * reciprocals[depth - i]
                    i -= 1
                }
            }
            return total
        }
    }
}
