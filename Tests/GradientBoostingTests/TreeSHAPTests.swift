import GradientBoosting
import Testing

@Suite struct TreeSHAPTests {
    @Test func oneSplitCreditsTheSplitFeatureWithTheDifferenceFromTheMean() throws {
        var tree = RegressionTree()
        tree.appendLeaf(value: 0, weight: 0, cover: 4)
        _ = tree.split(0, feature: 1, threshold: 2, defaultLeft: true, gain: 1, left: (-1, -1, 3), right: (3, 3, 1))
        let model = try TreeEnsemble(objective: .logitRaw, baseScore: 0.5, featureNames: [], featureCount: 2, trees: [tree])
        var explainer = TreeSHAP(model: model)
        // E[tree] = (3·(−1) + 1·3)/4 = 0; a row going right gets 3 − 0 on feature 1.
        #expect(explainer.contributions([9, 5]) == [0, 3, 0.5])
        #expect(explainer.contributions([9, 1]) == [0, -1, 0.5])
    }

    @Test func contributionsAddUpToTheMargin() throws {
        let model = try handBuiltModel()
        var explainer = TreeSHAP(model: model)
        for row: [Float] in [[0, 1], [0, 2], [1, .nan], [.nan, .nan], [0.49, 3]] {
            let phi = explainer.contributions(row)
            #expect(abs(phi.reduce(0, +) - Double(model.margin(row))) < 1e-6)
        }
    }

    @Test func theBiasIsTheCoverWeightedExpectation() throws {
        let model = try handBuiltModel(objective: .logitRaw)
        var explainer = TreeSHAP(model: model)
        // E[left subtree] = (45·(−0.5) + 15·1.25)/60 = −0.0625; E[tree] = (60·(−0.0625) + 40·0.75)/100 = 0.2625.
        let phi = explainer.contributions([1, 1])
        #expect(abs(phi[2] - (0.25 + 0.2625)) < 1e-7)
        #expect(phi[0] > 0, "going right at the root, to the larger leaf, raises the score")
    }
}

extension TreeEnsemble {
    func margin(_ row: [Float]) -> Float { row.withUnsafeBufferPointer { margin($0) } }
}
