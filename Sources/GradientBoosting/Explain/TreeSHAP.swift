/// Exact per-feature contributions to a row's margin: path-dependent TreeSHAP (Lundberg, Erion & Lee 2018,
/// arXiv:1802.03888, algorithm 2), the values XGBoost returns for `predict(…, pred_contribs=True)`.
///
/// Contributions are in margin (log-odds) space; the last entry is the bias (base margin plus each tree's
/// expected value), and all of them add up to the row's margin. "Absent" features are integrated out with the
/// training cover of each node. One explainer owns a preallocated path workspace, so explaining a row does not
/// allocate; it is not shared between tasks.
///
/// Two ways to the same values: by default each leaf's credits come from a table precomputed per model for every
/// subset of its path's features a row can satisfy (``LeafSubsetTable``, Fast TreeSHAP v2), so a row costs one
/// walk per tree; a model whose table would be too large, or ``Method/recursive``, takes the recursion over paths.
public struct TreeSHAP {
    public enum Method: String, Sendable, CaseIterable {
        /// The leaf-subset table when the model's fits its budget, else the recursion.
        case automatic
        /// Path-dependent TreeSHAP's recursion (algorithm 2), O(L·D²) per tree, no table.
        case recursive
    }

    public let model: TreeEnsemble
    private let table: LeafSubsetTable?
    /// Whether rows are explained through the precomputed leaf-subset table.
    public var usesLeafSubsetTable: Bool { table != nil }
    /// The table walk's workspace: one read per leaf.
    private var leafReads: [LeafSubsetTable.LeafRead]
    private var path: [PathElement]
    /// `1/k` for the path lengths a tree can reach, then four per-element scratch rows for the leaf step.
    private var numbers: [Double]
    private let chainLength: Int

    struct PathElement {
        var feature: Int32 = -1
        var zeroFraction: Double = 0
        var oneFraction: Double = 0
        var weight: Double = 0
    }

    /// With ``Method/automatic``, the first explainer of a model builds its table (tens of milliseconds for 200
    /// trees of depth 6); later ones share it.
    public init(model: TreeEnsemble, method: Method = .automatic) {
        self.model = model
        table = method == .automatic ? model.leafSubsets.table(for: model) : nil
        leafReads = Array(repeating: .init(value: 0, feature: 0, slots: 0), count: table?.leaves.count ?? 0)
        let depth = model.maxDepth + 2
        path = Array(repeating: PathElement(), count: depth * (depth + 1) / 2 + depth)
        chainLength = depth + 2
        numbers = (0..<chainLength).map { $0 == 0 ? 0 : 1 / Double($0) }
            + Array(repeating: 0, count: 4 * chainLength)
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
        if let table {
            for tree in 0..<model.scoredTreeCount { bias += model.meanValues[Int(model.roots[tree])] }
            leafReads.withUnsafeMutableBufferPointer { reads in
                table.addContributions(model: model, row: row, into: phi, reads: reads.baseAddress!)
            }
            phi[model.featureCount] += bias
            return
        }
        let chainLength = self.chainLength
        withWorkspace { path, numbers in
            model.nodes.withUnsafeBufferPointer { nodes in
                model.coverShares.withUnsafeBufferPointer { shares in
                    let walker = Walker(
                        nodes: nodes, shares: shares.baseAddress!, row: row, phi: phi, model: model, path: path,
                        reciprocals: numbers, chains: numbers + chainLength, chainLength: chainLength)
                    for tree in 0..<model.scoredTreeCount {
                        let root = Int(model.roots[tree])
                        bias += model.meanValues[root]
                        walker.recurse(
                            node: root, depth: 0, parentPath: path, zeroFraction: 1, oneFraction: 1, feature: -1)
                    }
                }
            }
        }
        phi[model.featureCount] += bias
    }

    private mutating func withWorkspace(
        _ body: (UnsafeMutablePointer<PathElement>, UnsafeMutablePointer<Double>) -> Void
    ) {
        path.withUnsafeMutableBufferPointer { path in
            numbers.withUnsafeMutableBufferPointer { numbers in body(path.baseAddress!, numbers.baseAddress!) }
        }
    }

    /// One tree walk: the row, the output and the path stack it shares.
    private struct Walker {
        let nodes: UnsafeBufferPointer<PackedNode>
        /// Per node, its cover over its parent's.
        let shares: UnsafePointer<Double>
        let row: UnsafeBufferPointer<Float>
        let phi: UnsafeMutableBufferPointer<Double>
        let model: TreeEnsemble
        let path: UnsafeMutablePointer<PathElement>
        /// `reciprocals[k] = 1/k` for the path lengths a tree can reach.
        let reciprocals: UnsafeMutablePointer<Double>
        /// Four rows of `chainLength` scratch values for ``leafContributions(_:depth:value:)``.
        let chains: UnsafeMutablePointer<Double>
        let chainLength: Int

        func recurse(
            node: Int, depth parentDepth: Int, parentPath: UnsafeMutablePointer<PathElement>,
            zeroFraction: Double, oneFraction: Double, feature: Int32
        ) {
            var depth = parentDepth
            // Each level works on its own copy of the path, placed right after the parent's.
            let path = parentPath + (depth + 1)
            var k = 0
            while k <= depth {  // a handful of elements: a loop beats a memmove call
                path[k] = parentPath[k]
                k &+= 1
            }
            extend(path, depth: depth, zeroFraction: zeroFraction, oneFraction: oneFraction, feature: feature)
            let current = nodes[node]
            if current.isLeaf {
                if depth > 0 { leafContributions(path, depth: depth, value: Double(current.value)) }
                return
            }
            let left = Int(current.left), right = left + 1
            let hot = model.goesLeft(current, row[Int(current.feature)]) ? left : right
            let cold = hot == left ? right : left
            let hotZero = shares[hot], coldZero = shares[cold]
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

        /// At a leaf, credits every path element i with `unwoundSum(i) · (o_i − z_i) · value`, where
        /// `unwoundSum(i)` is the total path weight with element i unwound. For an element the row did not follow
        /// (o = 0) that sum is `(d+1)/z_i · Σ_j w_j/(d−j)`, the same sum for all of them; for the others the
        /// recurrences of all elements advance together in one pass, so the independent chains overlap.
        @inline(__always)
        func leafContributions(_ path: UnsafeMutablePointer<PathElement>, depth: Int, value: Double) {
            let next = chains, total = chains + chainLength
            let scale = chains + 2 * chainLength, zeroScale = chains + 3 * chainLength
            let denominator = Double(depth &+ 1), inverse = reciprocals[depth &+ 1]
            let last = path[depth].weight
            var hotCount = 0
            for i in 1...depth {
                let one = path[i].oneFraction
                guard one != 0 else { continue }
                // Gather the followed elements at the front of the scratch rows, remembering their index.
                next[hotCount] = last
                total[hotCount] = 0
                scale[hotCount] = one == 1 ? denominator : denominator / one
                zeroScale[hotCount] = path[i].zeroFraction * inverse
                hotCount &+= 1
            }
            var coldSum = 0.0
            var j = depth &- 1
            while j >= 0 {
                let weight = path[j].weight, reciprocal = reciprocals[j &+ 1], remaining = Double(depth &- j)
                coldSum += weight * reciprocals[depth &- j]
                for k in 0..<hotCount {
                    let factor = scale[k] * reciprocal
                    total[k] += next[k] * factor
                    next[k] = weight - next[k] * (factor * zeroScale[k] * remaining)
                }
                j &-= 1
            }
            var k = 0
            for i in 1...depth {
                let element = path[i]
                let sum: Double
                if element.oneFraction != 0 {
                    sum = total[k]
                    k &+= 1
                } else {
                    sum = element.zeroFraction != 0 ? coldSum * denominator / element.zeroFraction : 0
                }
                phi[Int(element.feature)] += sum * (element.oneFraction - element.zeroFraction) * value
            }
        }

        @inline(__always)
        func extend(_ path: UnsafeMutablePointer<PathElement>, depth: Int, zeroFraction: Double, oneFraction: Double, feature: Int32) {
            path[depth] = PathElement(
                feature: feature, zeroFraction: zeroFraction, oneFraction: oneFraction, weight: depth == 0 ? 1 : 0)
            let one = oneFraction * reciprocals[depth + 1], zero = zeroFraction * reciprocals[depth + 1]
            var i = depth - 1
            while i >= 0 {
                let weight = path[i].weight
                path[i + 1].weight += one * weight * Double(i + 1)
                path[i].weight = zero * weight * Double(depth - i)
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
                    path[i].weight = next * scale * reciprocals[i + 1]
                    next = saved - path[i].weight * zeroScale * Double(depth - i)
                    i -= 1
                }
            } else {
                let scale = denominator / zero
                while i >= 0 {
                    path[i].weight = path[i].weight * scale * reciprocals[depth - i]
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
    }
}
