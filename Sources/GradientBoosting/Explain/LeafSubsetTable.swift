import Synchronization

/// Fast TreeSHAP v2 (Yang 2021, arXiv:2109.09847): every leaf's contributions worked out in advance for each subset
/// of its path's features that a row can satisfy.
///
/// In path-dependent TreeSHAP a leaf credits only the distinct features on its path, and what it credits each one
/// depends on the row only through which of those features' splits the row follows (the leaf's "satisfied" subset):
/// the cover fractions and the leaf value are the model's. So for a leaf whose path tests `d` distinct features there
/// are `2^d` possible credit vectors of `d` values, and explaining a row is one walk down each tree that tracks the
/// satisfied subset as a bit mask, then one table read per leaf: O(L·D) per tree instead of O(L·D²).
///
/// The table holds `Σ 2^d·d` floats over the scored leaves, built once per model and shared (immutable) by every
/// explainer of it. Models whose table would pass ``budget`` are explained by the path-dependent recursion instead.
final class LeafSubsetTable: Sendable {
    /// At most this many table entries (4 bytes each): 8M is 32 MB.
    static let budget = 8 << 20

    struct Leaf {
        /// The leaf's first entry in ``values``: its `2^slots` credit vectors, each `slots` long, by satisfied mask.
        var valueStart: Int32
        /// Its first entry in ``features``: the feature of each slot, in the order the path first tests them.
        var featureStart: Int32
        var slots: Int32
    }

    /// Per packed node: on a split, the slot (bit) of its feature on the path; on a leaf, its index in ``leaves``.
    let nodeEntries: [Int32]
    let leaves: [Leaf]
    let features: [Int32]
    let values: [Float]

    private init(nodeEntries: [Int32], leaves: [Leaf], features: [Int32], values: [Float]) {
        self.nodeEntries = nodeEntries
        self.leaves = leaves
        self.features = features
        self.values = values
    }

    /// The table for `model`'s scored trees; nil when it would pass `budget` entries.
    static func build(for model: TreeEnsemble, budget: Int = LeafSubsetTable.budget) -> LeafSubsetTable? {
        var builder = Builder(model: model, budget: budget)
        for tree in 0..<model.scoredTreeCount {
            guard builder.add(node: Int(model.roots[tree]), slots: []) else { return nil }
        }
        return LeafSubsetTable(nodeEntries: builder.nodeEntries, leaves: builder.leaves, features: builder.features,
                               values: builder.values)
    }

    /// Walks each tree once, collecting the table's work: slots per split, then every leaf's credit vectors.
    private struct Builder {
        let model: TreeEnsemble
        let budget: Int
        var nodeEntries: [Int32]
        var leaves: [Leaf] = []
        var features: [Int32] = []
        var values: [Float] = []
        /// Scratch for one credit vector: path weights (element 0 is the root's, as in XGBoost).
        var weights: [Double] = []

        init(model: TreeEnsemble, budget: Int) {
            self.model = model
            self.budget = budget
            nodeEntries = Array(repeating: -1, count: model.nodes.count)
        }

        /// `slots`: the distinct features tested above `node`, each with the product of the cover fractions of the
        /// branches taken towards `node` at its splits. False when the table would pass the budget.
        mutating func add(node: Int, slots: [(feature: Int32, zeroFraction: Double)]) -> Bool {
            let current = model.nodes[node]
            if current.isLeaf { return addLeaf(node: node, slots: slots) }
            let slot = slots.firstIndex { $0.feature == current.feature } ?? slots.count
            guard slot < 31 else { return false }  // the satisfied subset is a 32-bit mask
            nodeEntries[node] = Int32(slot)
            for child in [Int(current.left), Int(current.left) + 1] {
                var below = slots
                if slot == slots.count {
                    below.append((current.feature, model.coverShares[child]))
                } else {
                    below[slot].zeroFraction *= model.coverShares[child]
                }
                guard add(node: child, slots: below) else { return false }
            }
            return true
        }

        mutating func addLeaf(node: Int, slots: [(feature: Int32, zeroFraction: Double)]) -> Bool {
            let count = slots.count
            guard values.count + (1 << count) * count <= budget else { return false }
            nodeEntries[node] = Int32(leaves.count)
            leaves.append(Leaf(valueStart: Int32(values.count), featureStart: Int32(features.count), slots: Int32(count)))
            features += slots.map(\.feature)
            let value = Double(model.nodes[node].value)
            for mask in 0..<(1 << count) {
                credits(slots, satisfied: mask, value: value)
            }
            return true
        }

        /// Appends the leaf's credit to each slot for one satisfied subset: path-dependent TreeSHAP's leaf step over
        /// the path (root element, then one element per slot: zero fraction z, one fraction 1 if satisfied else 0).
        mutating func credits(_ slots: [(feature: Int32, zeroFraction: Double)], satisfied mask: Int, value: Double) {
            let depth = slots.count
            if weights.count < depth + 1 { weights = Array(repeating: 0, count: depth + 1) }
            weights[0] = 1
            var element = 1
            while element <= depth {
                let zero = slots[element - 1].zeroFraction, one = Double((mask >> (element - 1)) & 1)
                weights[element] = 0
                var i = element - 1
                while i >= 0 {
                    weights[i + 1] += one * weights[i] * Double(i + 1) / Double(element + 1)
                    weights[i] = zero * weights[i] * Double(element - i) / Double(element + 1)
                    i -= 1
                }
                element += 1
            }
            for element in 0..<depth {
                let zero = slots[element].zeroFraction, one = Double((mask >> element) & 1)
                values.append(Float(unwoundSum(depth: depth, zero: zero, one: one) * (one - zero) * value))
            }
        }

        /// The total path weight with one element (of fractions `zero`, `one`) taken out (XGBoost's UnwoundPathSum).
        func unwoundSum(depth: Int, zero: Double, one: Double) -> Double {
            let denominator = Double(depth + 1)
            var next = weights[depth], total = 0.0
            var j = depth - 1
            while j >= 0 {
                if one != 0 {
                    let share = next * denominator / (Double(j + 1) * one)
                    total += share
                    next = weights[j] - share * zero * Double(depth - j) / denominator
                } else if zero != 0 {
                    total += weights[j] / zero / (Double(depth - j) / denominator)
                }
                j -= 1
            }
            return total
        }
    }
}

extension LeafSubsetTable {
    /// One leaf's credit vector for the row being explained: where it starts, its features, how many.
    struct LeafRead {
        var value: Int32
        var feature: Int32
        var slots: Int32
        /// The vector's first credit, gathered ahead of the sums.
        var first: Float = 0
    }

    /// Adds every scored tree's leaf credits for `row` to `phi` (the bias is the caller's). `reads` holds a
    /// ``LeafRead`` per leaf of the table.
    ///
    /// Three passes: the walks find every leaf's credit vector, a gather loads each vector's first credit, then the
    /// vectors are added. The table does not fit in the core's cache, so a vector's first load misses. Read at its
    /// leaf during the walk, 80 % of the time went to waiting on that load. In a sum loop, about as much: each
    /// miss still waited behind the adds before it. The gather does nothing else, so its misses overlap, and the
    /// sums then find the vectors' lines in cache.
    func addContributions(model: TreeEnsemble, row: UnsafeBufferPointer<Float>, into phi: UnsafeMutableBufferPointer<Double>,
                          reads: UnsafeMutablePointer<LeafRead>) {
        precondition(row.count >= model.featureCount && phi.count > model.featureCount)
        var count = 0
        model.nodes.withUnsafeBufferPointer { nodes in
            nodeEntries.withUnsafeBufferPointer { entries in
                leaves.withUnsafeBufferPointer { leaves in
                    let walker = Walker(model: model, nodes: nodes, entries: entries, leaves: leaves, row: row, reads: reads)
                    for tree in 0..<model.scoredTreeCount {
                        walker.walk(Int(model.roots[tree]), satisfied: ~0, count: &count)
                    }
                }
            }
        }
        features.withUnsafeBufferPointer { features in
            values.withUnsafeBufferPointer { values in
                for index in 0..<count { reads[index].first = values[Int(reads[index].value)] }
                // Neighbouring leaves credit the same features (their common splits): four accumulators, taken in
                // turn, keep those adds from waiting on each other.
                let width = phi.count
                withUnsafeTemporaryAllocation(of: Double.self, capacity: 4 * width) { sums in
                    sums.initialize(repeating: 0)
                    let base = sums.baseAddress!
                    for index in 0..<count {
                        let read = reads[index]
                        let value = Int(read.value), feature = Int(read.feature)
                        let sum = base + (index & 3) &* width
                        sum[Int(features[feature])] += Double(read.first)
                        var slot = 1
                        while slot < Int(read.slots) {
                            sum[Int(features[feature &+ slot])] += Double(values[value &+ slot])
                            slot &+= 1
                        }
                    }
                    for i in 0..<width { phi[i] += (base[i] + base[width + i]) + (base[2 * width + i] + base[3 * width + i]) }
                }
            }
        }
    }

    private struct Walker {
        let model: TreeEnsemble
        let nodes: UnsafeBufferPointer<PackedNode>
        let entries: UnsafeBufferPointer<Int32>
        let leaves: UnsafeBufferPointer<Leaf>
        let row: UnsafeBufferPointer<Float>
        let reads: UnsafeMutablePointer<LeafRead>

        /// `satisfied`: bit s clear once the row has left the path at a split on slot s's feature.
        func walk(_ node: Int, satisfied: UInt32, count: inout Int) {
            let current = nodes[node]
            if current.isLeaf {
                let leaf = leaves[Int(entries[node])]
                guard leaf.slots > 0 else { return }
                let mask = Int32(bitPattern: satisfied & ((1 << UInt32(leaf.slots)) &- 1))
                reads[count] = LeafRead(value: leaf.valueStart &+ mask &* leaf.slots, feature: leaf.featureStart,
                                        slots: leaf.slots)
                count &+= 1
                return
            }
            let left = Int(current.left), leaving = satisfied & ~(UInt32(1) << UInt32(entries[node]))
            if model.goesLeft(current, row[Int(current.feature)]) {
                walk(left, satisfied: satisfied, count: &count)
                walk(left &+ 1, satisfied: leaving, count: &count)
            } else {
                walk(left, satisfied: leaving, count: &count)
                walk(left &+ 1, satisfied: satisfied, count: &count)
            }
        }
    }
}

/// A model's leaf-subset table, built the first time the model is explained and shared by its copies.
final class LeafSubsetCache: Sendable {
    private let table = Mutex<LeafSubsetTable??>(nil)

    func table(for model: TreeEnsemble) -> LeafSubsetTable? {
        table.withLock { cached in
            if let cached { return cached }
            let built = LeafSubsetTable.build(for: model)
            cached = .some(built)
            return built
        }
    }
}

extension TreeEnsemble {
    /// The number of entries (4 bytes each) in this model's leaf-subset table; nil when over budget.
    public var leafSubsetTableEntries: Int? { leafSubsets.table(for: self)?.values.count }

    /// Builds this model's leaf-subset table now (shared by its copies), so its first explanation does not wait.
    public func prepareExplanations() {
        _ = leafSubsets.table(for: self)
    }
}
