@testable import GradientBoosting
import Testing

/// The leaf-subset table (Fast TreeSHAP v2) gives the recursion's contributions, on trees that test a feature more
/// than once on a path, send missing values both ways, split on categories, have a lone leaf or an empty branch.
@Suite struct LeafSubsetTableTests {
    /// A deterministic generator (64-bit LCG), so a failure names a reproducible model.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        mutating func unit() -> Float { Float(next() % 1_000_000) / 1_000_000 }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    static func randomModel(seed: UInt64, trees: Int = 30, features: Int = 5, maxDepth: Int = 7) throws -> TreeEnsemble {
        var random = Generator(state: seed)
        var built: [RegressionTree] = []
        for index in 0..<trees {
            var tree = RegressionTree()
            tree.appendLeaf(value: random.unit() - 0.5, weight: 0, cover: 1_000)
            var open: [(node: Int, depth: Int, cover: Float)] = index == 0 ? [] : [(0, 0, 1_000)]  // tree 0: a lone leaf
            while let (node, depth, cover) = open.popLast() {
                guard depth < maxDepth, random.below(10) < 8 else { continue }
                let feature = random.below(features)
                // One branch in forty is empty (cover 0), as a split whose hessians all went one way.
                let share: Float = random.below(40) == 0 ? 0 : 0.05 + 0.9 * random.unit()
                let (left, right) = tree.split(
                    node, feature: feature, threshold: random.unit() * 2 - 1, defaultLeft: random.below(2) == 0,
                    gain: 1, left: (random.unit() - 0.5, 0, cover * share), right: (random.unit() - 0.5, 0, cover * (1 - share)))
                if feature == features - 1 { tree.rightCategories[node] = [1, 3, Int32(random.below(8))] }
                open.append((left, depth + 1, cover * share))
                open.append((right, depth + 1, cover * (1 - share)))
            }
            built.append(tree)
        }
        return try TreeEnsemble(objective: .logistic, baseScore: 0.1, featureNames: [],
                                featureTypes: Array(repeating: "float", count: features - 1) + ["c"],
                                featureCount: features, trees: built)
    }

    static func randomRows(seed: UInt64, count: Int, features: Int = 5) -> [[Float]] {
        var random = Generator(state: seed)
        return (0..<count).map { _ in
            (0..<features).map { feature in
                if random.below(6) == 0 { return .nan }
                return feature == features - 1 ? Float(random.below(8)) : random.unit() * 2.4 - 1.2
            }
        }
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func theTableGivesTheRecursionsContributions(seed: UInt64) throws {
        let model = try Self.randomModel(seed: seed)
        var table = TreeSHAP(model: model)
        var recursion = TreeSHAP(model: model, method: .recursive)
        #expect(table.usesLeafSubsetTable && !recursion.usesLeafSubsetTable)
        var largest = 0.0
        for row in Self.randomRows(seed: seed &+ 100, count: 300) {
            let fast = table.contributions(row), exact = recursion.contributions(row)
            for (a, b) in zip(fast, exact) { largest = max(largest, abs(a - b)) }
            #expect(abs(fast.reduce(0, +) - Double(model.margin(row))) < 1e-5, "contributions add up to the margin")
        }
        #expect(largest < 1e-6, "largest difference \(largest)")
    }

    @Test func aModelWhoseTableWouldPassTheBudgetIsExplainedByTheRecursion() throws {
        let model = try Self.randomModel(seed: 9)
        #expect(LeafSubsetTable.build(for: model, budget: 100) == nil)
        let table = try #require(LeafSubsetTable.build(for: model))
        #expect(table.values.count == table.leaves.reduce(0) { $0 + (1 << Int($1.slots)) * Int($1.slots) })
    }
}
