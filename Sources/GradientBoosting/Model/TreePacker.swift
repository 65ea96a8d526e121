/// Converts trees from XGBoost's layout into the packed scoring layout, checking them on the way.
struct TreePacker {
    let featureCount: Int
    var nodes: [PackedNode] = []
    var roots: [Int32] = []
    var categorySets: [CategorySet] = []
    var categoryWords: [UInt64] = []
    var covers: [Double] = []
    var meanValues: [Double] = []
    /// Per node: its cover as a share of its parent's (TreeSHAP's zero fraction for the branch).
    var coverShares: [Double] = []
    var maxDepth = 0

    init(featureCount: Int) { self.featureCount = featureCount }

    mutating func pack(_ tree: RegressionTree, index: Int) throws(ModelError) {
        let count = tree.nodeCount
        guard count > 0,
              [tree.rightChildren.count, tree.splitIndices.count, tree.splitConditions.count,
               tree.defaultLeft.count, tree.rightCategories.count, tree.sumHessian.count].allSatisfy({ $0 == count })
        else { throw ModelError("tree \(index): its node arrays differ in length") }
        let root = nodes.count
        roots.append(Int32(root))
        nodes.append(PackedNode(value: 0, feature: -1, left: -1, categorySet: -1, defaultLeft: false))
        covers.append(0)
        meanValues.append(0)
        // Depth-first from the root; each internal node reserves two adjacent slots for its children.
        var pending: [(source: Int, packed: Int, depth: Int)] = [(0, root, 0)]
        var visited = Set<Int>()
        while let (source, packed, depth) = pending.popLast() {
            guard visited.insert(source).inserted else { throw ModelError("tree \(index): node \(source) is reached twice") }
            guard depth <= 64 else { throw ModelError("tree \(index) is deeper than 64") }
            maxDepth = max(maxDepth, depth)
            covers[packed] = Double(tree.sumHessian[source])
            if tree.isLeaf(source) {
                nodes[packed] = PackedNode(
                    value: tree.splitConditions[source], feature: -1, left: -1, categorySet: -1, defaultLeft: false)
                continue
            }
            let left = Int(tree.leftChildren[source]), right = Int(tree.rightChildren[source])
            let feature = Int(tree.splitIndices[source])
            guard (0..<count).contains(left), (0..<count).contains(right) else {
                throw ModelError("tree \(index): node \(source) has a child out of range")
            }
            guard (0..<featureCount).contains(feature) else {
                throw ModelError("tree \(index): node \(source) splits on feature \(feature) of \(featureCount)")
            }
            var setIndex: Int32 = -1
            if let categories = tree.rightCategories[source] {
                setIndex = Int32(categorySets.count)
                appendCategorySet(categories)
            }
            let childSlot = nodes.count
            nodes.append(PackedNode(value: 0, feature: -1, left: -1, categorySet: -1, defaultLeft: false))
            nodes.append(PackedNode(value: 0, feature: -1, left: -1, categorySet: -1, defaultLeft: false))
            covers.append(contentsOf: [0, 0])
            meanValues.append(contentsOf: [0, 0])
            nodes[packed] = PackedNode(
                value: tree.splitConditions[source], feature: Int32(feature), left: Int32(childSlot),
                categorySet: setIndex, defaultLeft: tree.defaultLeft[source])
            pending.append((right, childSlot + 1, depth + 1))
            pending.append((left, childSlot, depth + 1))
        }
        fillMeanValues(root)
        coverShares.append(contentsOf: repeatElement(0, count: nodes.count - coverShares.count))
        for node in root..<nodes.count where !nodes[node].isLeaf {
            let left = Int(nodes[node].left), cover = covers[node]
            coverShares[left] = cover > 0 ? covers[left] / cover : 0
            coverShares[left + 1] = cover > 0 ? covers[left + 1] / cover : 0
        }
    }

    private mutating func appendCategorySet(_ categories: [Int32]) {
        let largest = Int(categories.max() ?? 0)
        let wordCount = categories.isEmpty ? 0 : largest / 64 + 1
        let start = categoryWords.count
        categoryWords.append(contentsOf: repeatElement(0, count: wordCount))
        for category in categories where category >= 0 {
            categoryWords[start + Int(category) / 64] |= 1 << UInt64(Int(category) % 64)
        }
        categorySets.append(CategorySet(start: Int32(start), wordCount: Int32(wordCount)))
    }

    /// The cover-weighted mean of the leaf values below each node (XGBoost's `FillNodeMeanValues`): the
    /// expected output of a tree when no feature is known, the base of TreeSHAP.
    private mutating func fillMeanValues(_ node: Int) {
        let packed = nodes[node]
        if packed.isLeaf {
            meanValues[node] = Double(packed.value)
            return
        }
        let left = Int(packed.left), right = left + 1
        fillMeanValues(left)
        fillMeanValues(right)
        let cover = covers[node]
        meanValues[node] = cover > 0
            ? (meanValues[left] * covers[left] + meanValues[right] * covers[right]) / cover
            : 0
    }
}
