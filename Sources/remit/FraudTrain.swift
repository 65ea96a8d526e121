import ArgumentParser
import RemitCommandSupport
import Foundation
import GradientBoosting

struct FraudTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a binary classifier on any numeric CSV and save it in XGBoost's JSON format.",
        discussion: """
            Every column except the label is a feature; an empty cell, nan or NaN is missing. The trainer is a \
            histogram GBDT like XGBoost's tree_method=hist (binary:logistic, depth-wise). Omitted flags take \
            XGBoost 3.x defaults (100 trees as in XGBClassifier).
            """)

    @Option(help: "Training data (CSV with a header row).") var input: String
    @Option(help: "Where to write the model (.json).") var output: String
    @Option(name: .customLong("label-column"), help: "The 0/1 label column.") var labelColumn = "label"
    @Option(help: "Boosting rounds.") var trees = 100
    @Option(name: .customLong("max-depth")) var maxDepth = 6
    @Option(help: "Learning rate.") var eta = 0.3
    @Option(help: "L2 regularisation.") var lambda = 1.0
    @Option(help: "L1 regularisation.") var alpha = 0.0
    @Option(help: "Minimum split gain.") var gamma = 0.0
    @Option(name: .customLong("min-child-weight")) var minChildWeight = 1.0
    @Option(name: .customLong("max-bin")) var maxBin = 256
    @Option var subsample = 1.0
    @Option(name: .customLong("colsample-bytree")) var colsampleByTree = 1.0
    @Option(name: .customLong("scale-pos-weight")) var scalePosWeight = 1.0
    @Option var seed: UInt64 = 0
    @Option(help: "CPU threads for histogram building.") var threads = 1
    @Option(help: "Validation data with the same columns, for early stopping and metrics.") var validation: String?
    @Option(name: .customLong("early-stopping"), help: "Stop after this many rounds without a better validation log-loss.")
    var earlyStopping: Int?

    func run() throws {
        var parameters = TrainingParameters()
        parameters.rounds = trees
        parameters.maxDepth = maxDepth
        parameters.eta = eta
        parameters.lambda = lambda
        parameters.alpha = alpha
        parameters.gamma = gamma
        parameters.minChildWeight = minChildWeight
        parameters.maxBin = maxBin
        parameters.subsample = subsample
        parameters.colsampleByTree = colsampleByTree
        parameters.scalePosWeight = scalePosWeight
        parameters.seed = seed
        parameters.threads = threads
        parameters.earlyStoppingRounds = earlyStopping
        if earlyStopping != nil, validation == nil { throw ValidationError("--early-stopping needs --validation") }
        let trainer: HistogramTrainer
        do { trainer = try HistogramTrainer(parameters: parameters) } catch { throw ValidationError(error.description) }

        let loadStart = ContinuousClock.now
        let table = try CSVReader.read(URL(fileURLWithPath: input)).table
        let validationTable = try validation.map { try CSVReader.read(URL(fileURLWithPath: $0)).table }
        print("read \(table.rowCount) rows × \(table.columnCount) columns in \(secondsText(ContinuousClock.now - loadStart))")
        let every = max(1, trees / 20)
        let model = try trainer.train(
            table, labelColumn: labelColumn, validation: validationTable, evaluationInterval: every
        ) { progress in
            guard let trainLoss = progress.trainLogLoss else { return }
            var line = "round \(progress.round)/\(progress.rounds)  train-logloss \(String(format: "%.5f", trainLoss))"
            if let loss = progress.validationLogLoss { line += "  validation-logloss \(String(format: "%.5f", loss))" }
            line += "  \(secondsText(progress.elapsed))"
            print(line)
        }
        if let best = model.bestIteration {
            print("early stopping: best round \(best + 1) of \(model.trees.count) (the model scores with rounds 1…\(best + 1))")
        }
        try model.jsonData().write(to: URL(fileURLWithPath: output))
        print("wrote \(output): \(model.trees.count) trees, \(model.featureCount) features (\(model.featureNames.joined(separator: ", ")))")
        for (name, data) in [("training", table), ("validation", validationTable)] {
            guard let data else { continue }
            let scores = try ScoredCSV.scores(model: model, table: data)
            let labels = data.column(data.columnIndex(labelColumn)!)
            print("\(name):\n" + BinaryClassificationMetrics(scores: scores, labels: labels).summary.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        }
    }
}
