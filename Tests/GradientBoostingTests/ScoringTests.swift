import Foundation
import GradientBoosting
import Testing

/// A two-level tree by hand: root splits feature 0 at 0.5 (missing → right); its left child splits
/// feature 1 categorically ({1, 3} go right, missing → left).
func handBuiltModel(objective: Objective = .logistic) throws -> TreeEnsemble {
    var tree = RegressionTree()
    tree.appendLeaf(value: 0, weight: 0, cover: 100)
    let (left, _) = tree.split(
        0, feature: 0, threshold: 0.5, defaultLeft: false, gain: 10,
        left: (0, 0, 60), right: (0.75, 0.75, 40))
    _ = tree.split(
        left, feature: 1, threshold: 0, defaultLeft: true, gain: 4, left: (-0.5, -0.5, 45), right: (1.25, 1.25, 15))
    tree.rightCategories[left] = [1, 3]
    return try TreeEnsemble(
        objective: objective, baseScore: 0.25, featureNames: ["amount", "kind"], featureTypes: ["float", "c"],
        featureCount: 2, trees: [tree])
}

@Suite struct ScoringTests {
    @Test func strictlyLessGoesLeftAndMissingTakesTheDefault() throws {
        let model = try handBuiltModel(objective: .logitRaw)
        let base = model.baseMargin
        #expect(base == 0.25)
        #expect(model.predict([0.5, .nan]) == base + 0.75, "x == threshold goes right")
        #expect(model.predict([.nan, 0]) == base + 0.75, "missing follows default_left = false")
        #expect(model.predict([0.4999, .nan]) == base - 0.5, "missing category follows default_left = true")
    }

    @Test(arguments: [(Float(1), Float(1.25)), (3, 1.25), (2, -0.5), (-1, -0.5), (1e9, -0.5), (200, -0.5)])
    func listedCategoriesGoRightEverythingElseLeft(category: Float, leaf: Float) throws {
        let model = try handBuiltModel(objective: .logitRaw)
        #expect(model.predict([0, category]) == model.baseMargin + leaf)
    }

    @Test func logisticBaseScoreIsAProbability() throws {
        let model = try handBuiltModel()
        #expect(abs(model.baseMargin - Float(log(0.25 / 0.75))) < 1e-6)
        let margin = model.baseMargin + 0.75
        #expect(model.predict([1, 0]) == 1 / (expf(-margin) + 1))
    }

    @Test func jsonRoundTripKeepsEveryPrediction() throws {
        let model = try handBuiltModel()
        let reread = try TreeEnsemble(xgboostJSON: model.jsonData())
        #expect(reread.featureNames == ["amount", "kind"])
        #expect(reread.trees == model.trees)
        for row: [Float] in [[0, 1], [0, 2], [1, .nan], [.nan, .nan], [0.49, 3]] {
            #expect(reread.predict(row) == model.predict(row))
        }
    }

    @Test func bestIterationLimitsTheTreesScored() throws {
        var one = RegressionTree()
        one.appendLeaf(value: 1, weight: 1, cover: 1)
        let model = try TreeEnsemble(
            objective: .logitRaw, baseScore: 0, featureNames: [], featureCount: 1, trees: [one, one, one], bestIteration: 1)
        #expect(model.scoredTreeCount == 2)
        #expect(model.predict([0]) == 2)
        #expect(throws: ModelError.self) {
            try TreeEnsemble(objective: .logitRaw, baseScore: 0, featureNames: [], featureCount: 1, trees: [one], bestIteration: 3)
        }
    }

    @Test func rejectsWhatItCannotScore() throws {
        let multiclass = #"{"version":[3,2,0],"learner":{"attributes":{},"feature_names":[],"feature_types":[],"gradient_booster":{"name":"gbtree","model":{"gbtree_model_param":{"num_parallel_tree":"1","num_trees":"0"},"tree_info":[],"trees":[]}},"learner_model_param":{"base_score":"[5E-1]","num_class":"3","num_feature":"2"},"objective":{"name":"multi:softprob"}}}"#
        #expect(throws: ModelError.self) { try TreeEnsemble(xgboostJSON: Data(multiclass.utf8)) }
        #expect(throws: ModelError.self) { try TreeEnsemble(xgboostJSON: Data("{L".utf8)) }
        var tree = RegressionTree()
        tree.appendLeaf(value: 0, weight: 0, cover: 1)
        _ = tree.split(0, feature: 5, threshold: 1, defaultLeft: true, gain: 1, left: (0, 0, 1), right: (0, 0, 1))
        #expect(throws: ModelError.self) {
            try TreeEnsemble(objective: .logistic, baseScore: 0.5, featureNames: [], featureCount: 2, trees: [tree])
        }
    }
}
