import GradientBoosting
import Testing

/// Rows where the label depends on two features (one with missing values) plus noise.
func syntheticTable(rows: Int, seed: UInt64) -> NumericTable {
    var random = SeededGenerator(seed: seed)
    var values = [Float]()
    for _ in 0..<rows {
        let a = Float(random.nextUnit() * 10), b = Float(random.nextUnit() * 10), noise = Float(random.nextUnit())
        let missing = random.nextUnit() < 0.2
        let risk = (a > 7 ? 0.6 : 0.05) + (missing ? 0.3 : (b < 2 ? 0.3 : 0))
        let label: Float = random.nextUnit() < risk ? 1 : 0
        values.append(contentsOf: [a, missing ? .nan : b, noise, label])
    }
    return NumericTable(columnNames: ["a", "b", "noise", "label"], values: values)
}

@Suite struct TrainerTests {
    @Test func learnsTheSignalAndRoundTripsThroughJSON() throws {
        let train = syntheticTable(rows: 4000, seed: 1), test = syntheticTable(rows: 2000, seed: 2)
        var parameters = TrainingParameters()
        parameters.rounds = 30
        parameters.maxDepth = 3
        parameters.eta = 0.3
        let model = try HistogramTrainer(parameters: parameters).train(train, labelColumn: "label")
        #expect(model.trees.count == 30)
        #expect(model.featureNames == ["a", "b", "noise"])
        #expect(model.trees.allSatisfy { $0.depth <= 3 })
        let features = try test.selecting(model.featureNames)
        let scores = (0..<test.rowCount).map { row in
            model.predict(Array(features.values[(row * 3)..<(row * 3 + 3)]))
        }
        let metrics = BinaryClassificationMetrics(scores: scores, labels: test.column(3))
        #expect(metrics.auc > 0.8, "AUC \(metrics.auc)")
        let reread = try TreeEnsemble(xgboostJSON: model.jsonData())
        #expect(reread.predict([8, .nan, 0.5]) == model.predict([8, .nan, 0.5]))
        // The missing values of b carry risk: the first split on b must send them the risky way.
        #expect(model.predict([1, .nan, 0.5]) > model.predict([1, 5, 0.5]))
    }

    @Test func theSameSeedGivesTheSameModel() throws {
        let train = syntheticTable(rows: 2000, seed: 3)
        var parameters = TrainingParameters()
        parameters.rounds = 5
        parameters.subsample = 0.7
        parameters.colsampleByTree = 0.67
        parameters.seed = 42
        let first = try HistogramTrainer(parameters: parameters).train(train, labelColumn: "label")
        let second = try HistogramTrainer(parameters: parameters).train(train, labelColumn: "label")
        #expect(first.trees == second.trees)
        parameters.seed = 43
        let third = try HistogramTrainer(parameters: parameters).train(train, labelColumn: "label")
        #expect(first.trees != third.trees)
    }

    @Test func earlyStoppingRecordsTheBestIteration() throws {
        var parameters = TrainingParameters()
        parameters.rounds = 200
        parameters.eta = 1
        parameters.maxDepth = 6
        parameters.minChildWeight = 0
        parameters.earlyStoppingRounds = 3
        let model = try HistogramTrainer(parameters: parameters).train(
            syntheticTable(rows: 500, seed: 4), labelColumn: "label", validation: syntheticTable(rows: 500, seed: 5))
        let best = try #require(model.bestIteration)
        #expect(model.trees.count == best + 4)
        #expect(model.attributes["best_iteration"] == "\(best)")
    }

    @Test func rejectsLabelsThatAreNotZeroOrOne() throws {
        let table = NumericTable(columnNames: ["x", "label"], values: [1, 0, 2, 0.5])
        #expect(throws: ModelError.self) { try HistogramTrainer(parameters: TrainingParameters()).train(table, labelColumn: "label") }
        #expect(throws: ModelError.self) { try HistogramTrainer(parameters: TrainingParameters()).train(table, labelColumn: "y") }
    }

    @Test func metricsCountTiesAsHalf() {
        let metrics = BinaryClassificationMetrics(scores: [0.9, 0.5, 0.5, 0.1], labels: [1, 1, 0, 0], thresholds: [0.5])
        #expect(metrics.auc == 0.875)
        #expect(metrics.atThresholds[0].precision == 2.0 / 3)
        #expect(metrics.atThresholds[0].recall == 1)
    }
}

@Suite struct ContinuedTrainingTests {
    @Test func continuingAppendsTreesAndStartsFromTheOldModel() throws {
        let train = syntheticTable(rows: 3000, seed: 7), newer = syntheticTable(rows: 3000, seed: 8)
        var parameters = TrainingParameters()
        parameters.rounds = 10
        parameters.maxDepth = 3
        let base = try HistogramTrainer(parameters: parameters).train(train, labelColumn: "label")
        parameters.rounds = 5
        let continued = try HistogramTrainer(parameters: parameters).train(newer, labelColumn: "label", continuing: base)
        #expect(continued.trees.count == 15)
        #expect(Array(continued.trees.prefix(10)) == base.trees, "the old trees are frozen")
        #expect(continued.baseScore == base.baseScore)
        let row: [Float] = [8, .nan, 0.5]
        let added = try TreeEnsemble(
            objective: .logitRaw, baseScore: 0, featureNames: continued.featureNames, featureCount: 3,
            trees: Array(continued.trees.suffix(5)))
        #expect(abs(continued.predict(row) - Logistic.sigmoid(base.margin(row) + added.predict(row))) < 1e-5)
    }
}
