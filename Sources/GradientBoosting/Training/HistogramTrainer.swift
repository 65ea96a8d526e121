import Foundation

/// A gradient-boosted tree trainer for binary classification that works as XGBoost's `hist` method does
/// (binary:logistic, depth-wise growth, quantile bins, missing-value default directions) and writes models that
/// XGBoost loads.
public struct HistogramTrainer: Sendable {
    public let parameters: TrainingParameters

    public init(parameters: TrainingParameters) throws(ModelError) {
        try parameters.validate()
        self.parameters = parameters
    }

    /// One finished boosting round, for progress output.
    public struct Progress: Sendable {
        public var round: Int
        public var rounds: Int
        public var elapsed: Duration
        /// Computed on evaluation rounds only (see `evaluationInterval`).
        public var trainLogLoss: Double?
        public var validationLogLoss: Double?
        public var bestIteration: Int?
    }

    /// Trains on every column of `table` except `labelColumn` (0 or 1 per row; features may be NaN).
    /// With `validation` and `earlyStoppingRounds`, stops once its log-loss has not improved for that many
    /// rounds and records `best_iteration`, which scoring honours. The training log-loss is reported every
    /// `evaluationInterval` rounds and on the last.
    ///
    /// With `continuing`, boosting continues from that model (XGBoost's `xgb_model=`): its trees are kept and
    /// frozen, the margins start from its predictions, and `rounds` new trees are appended.
    public func train(
        _ table: NumericTable, labelColumn: String, validation: NumericTable? = nil, evaluationInterval: Int = 10,
        continuing initial: TreeEnsemble? = nil, progress: (Progress) -> Void = { _ in }
    ) throws(ModelError) -> TreeEnsemble {
        let clock = ContinuousClock(), start = clock.now
        guard let labelIndex = table.columnIndex(labelColumn) else {
            throw ModelError("the training data has no label column \(labelColumn)")
        }
        let featureColumns = table.columnNames.indices.filter { $0 != labelIndex }
        let featureNames = featureColumns.map { table.columnNames[$0] }
        guard !featureColumns.isEmpty else { throw ModelError("the training data has no feature columns") }
        guard table.rowCount > 0 else { throw ModelError("the training data has no rows") }
        let labels = try Self.labels(table, column: labelIndex, name: "training")
        var validationRows: NumericTable?, validationLabels: [Float] = []
        if let validation {
            do { validationRows = try validation.selecting(featureNames) } catch { throw ModelError("validation data: \(error)") }
            guard let index = validation.columnIndex(labelColumn) else { throw ModelError("the validation data has no label column \(labelColumn)") }
            validationLabels = try Self.labels(validation, column: index, name: "validation")
        }
        let cuts = QuantileCuts(
            table: table, featureColumns: featureColumns, maxBin: parameters.maxBin, threads: parameters.threads)
        let matrix = BinnedMatrix(table: table, featureColumns: featureColumns, cuts: cuts)
        let grower = TreeGrower(parameters: parameters, matrix: matrix, finder: SplitFinder(parameters: parameters, matrix: matrix, cuts: cuts))

        if let initial {
            guard initial.featureNames == featureNames, initial.objective == .logistic else {
                throw ModelError("the model to continue reads other features (\(initial.featureNames.joined(separator: ", ")))")
            }
        }
        let baseScore = initial?.baseScore ?? Float(initialProbability(labels))
        let baseMargin = Objective.logistic.baseMargin(fromStoredBaseScore: baseScore)
        var margins = [Float](repeating: baseMargin, count: table.rowCount)
        var validationMargins = [Float](repeating: baseMargin, count: validationRows?.rowCount ?? 0)
        if let initial {
            let features = try Self.selecting(table, featureNames)
            margins = Self.margins(initial, features)
            if let validationRows { validationMargins = Self.margins(initial, validationRows) }
        }
        var gradients = [GradientPair](repeating: GradientPair(gradient: 0, hessian: 0), count: table.rowCount)
        var random = SeededGenerator(seed: parameters.seed)
        var trees = [RegressionTree]()
        var rows = [UInt32]()
        var bestLoss = Double.infinity, bestIteration: Int?
        let positiveWeight = Float(parameters.scalePosWeight)

        for round in 0..<parameters.rounds {
            Self.computeGradients(
                margins: margins, labels: labels, positiveWeight: positiveWeight, into: &gradients,
                threads: parameters.threads)
            rows.removeAll(keepingCapacity: true)
            var sampled: [Bool]? = nil
            if parameters.subsample < 1 {
                var mask = [Bool](repeating: false, count: table.rowCount)
                for i in 0..<table.rowCount where random.nextUnit() < parameters.subsample {
                    rows.append(UInt32(i))
                    mask[i] = true
                }
                sampled = mask
            } else {
                rows.append(contentsOf: (0..<UInt32(table.rowCount)))
            }
            let features = sampleFeatures(featureColumns.count, random: &random)
            let grown = grower.grow(rows: &rows, gradients: gradients, features: features)
            for leaf in grown.leaves {
                let value = grown.tree.splitConditions[leaf.node]
                for position in leaf.begin..<leaf.end { margins[Int(rows[position])] += value }
            }
            if let sampled {
                for i in 0..<table.rowCount where !sampled[i] {
                    margins[i] += grown.tree.splitConditions[route(row: i, grown: grown, matrix: matrix)]
                }
            }
            trees.append(grown.tree)
            var validationLoss: Double?
            if let validationRows {
                validationRows.values.withUnsafeBufferPointer { values in
                    let width = validationRows.columnCount
                    for i in 0..<validationRows.rowCount {
                        let row = UnsafeBufferPointer(rebasing: values[(i * width)..<((i + 1) * width)])
                        validationMargins[i] += grown.tree.leafValue(for: row)
                    }
                }
                let loss = Self.logLoss(margins: validationMargins, labels: validationLabels)
                validationLoss = loss
                if loss < bestLoss {
                    bestLoss = loss
                    bestIteration = round
                }
            }
            let evaluate = (round + 1) % max(1, evaluationInterval) == 0 || round + 1 == parameters.rounds
            progress(Progress(
                round: round + 1, rounds: parameters.rounds, elapsed: clock.now - start,
                trainLogLoss: evaluate ? Self.logLoss(margins: margins, labels: labels) : nil,
                validationLogLoss: validationLoss, bestIteration: bestIteration))
            if let stop = parameters.earlyStoppingRounds, let bestIteration, validationRows != nil, round - bestIteration >= stop {
                break
            }
        }
        var attributes: [String: String] = [:]
        let stopsEarly = parameters.earlyStoppingRounds != nil && validationRows != nil
        if stopsEarly, let bestIteration {
            attributes["best_iteration"] = "\(bestIteration)"
            attributes["best_score"] = "\(bestLoss)"
        }
        // Continuing keeps the rounds the initial model scores with (up to its best iteration).
        let keptTrees = initial.map { Array($0.trees.prefix($0.scoredTreeCount)) } ?? []
        let keptBounds = initial.map { base in Array(base.iterationBounds.prefix { $0 <= base.scoredTreeCount }) } ?? [0]
        let offset = keptBounds.count - 1
        return try TreeEnsemble(
            objective: .logistic, baseScore: baseScore, featureNames: featureNames,
            featureCount: featureNames.count, trees: keptTrees + trees,
            iterationBounds: keptBounds + (1...trees.count).map { keptTrees.count + $0 },
            bestIteration: stopsEarly ? bestIteration.map { $0 + offset } : nil,
            attributes: attributes, objectiveParameters: ["scale_pos_weight": "\(parameters.scalePosWeight)"])
    }

    /// XGBoost 3.x's intercept: the mean label when positives are not re-weighted, otherwise one Newton step
    /// from margin 0 (`src/objective/init_estimation.cc`), as a probability.
    func initialProbability(_ labels: [Float]) -> Double {
        let positives = labels.reduce(0.0) { $0 + Double($1) }
        if parameters.scalePosWeight == 1 {
            return min(max(positives / Double(labels.count), 1e-6), 1 - 1e-6)
        }
        let negatives = Double(labels.count) - positives
        let weight = parameters.scalePosWeight
        // At margin 0, p = 0.5: g = (0.5 − y)·w, h = 0.25·w.
        let g = 0.5 * negatives - 0.5 * positives * weight
        let h = 0.25 * (negatives + positives * weight)
        let step = -g / h
        return 1 / (1 + exp(-step))
    }

    private func sampleFeatures(_ count: Int, random: inout SeededGenerator) -> [Int] {
        guard parameters.colsampleByTree < 1 else { return Array(0..<count) }
        let keep = max(1, Int((Double(count) * parameters.colsampleByTree).rounded()))
        var all = Array(0..<count)
        all.shuffle(using: &random)
        return all.prefix(keep).sorted()
    }

    /// The leaf a row reaches through the bin-level splits (for rows the round did not sample).
    private func route(row: Int, grown: TreeGrower.Grown, matrix: BinnedMatrix) -> Int {
        var node = 0
        while !grown.tree.isLeaf(node) {
            let split = grown.binSplits[node]
            let bin = matrix.bin(row: row, feature: split.feature)
            let left = bin == matrix.binCounts[split.feature] ? split.defaultLeft : bin < split.splitBin
            node = Int(left ? grown.tree.leftChildren[node] : grown.tree.rightChildren[node])
        }
        return node
    }

    /// Logistic-loss gradients and hessians of every row (split across threads when there are several: a
    /// sigmoid per row per round is a serial cost the histogram threads would otherwise wait on).
    static func computeGradients(
        margins: [Float], labels: [Float], positiveWeight: Float, into gradients: inout [GradientPair], threads: Int
    ) {
        let count = margins.count
        margins.withUnsafeBufferPointer { margins in
            labels.withUnsafeBufferPointer { labels in
                gradients.withUnsafeMutableBufferPointer { gradients in
                    let shared = GradientBuffers(margins: margins, labels: labels, gradients: gradients)
                    let parts = threads > 1 && count >= 65_536 ? threads : 1
                    let chunk = (count + parts - 1) / parts
                    let work = { @Sendable (part: Int) in
                        let lower = part * chunk, upper = min(count, lower + chunk)
                        guard lower < upper else { return }
                        for i in lower..<upper {
                            let p = Logistic.sigmoid(shared.margins[i])
                            let label = shared.labels[i]
                            let weight: Float = label > 0.5 ? positiveWeight : 1
                            shared.gradients[i] = GradientPair(
                                gradient: (p - label) * weight, hessian: max(p * (1 - p), 1e-16) * weight)
                        }
                    }
                    if parts == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: work) }
                }
            }
        }
    }

    static func selecting(_ table: NumericTable, _ names: [String]) throws(ModelError) -> NumericTable {
        do { return try table.selecting(names) } catch { throw ModelError("\(error)") }
    }

    /// A model's margins for every row of a table holding exactly its features.
    static func margins(_ model: TreeEnsemble, _ rows: NumericTable) -> [Float] {
        rows.values.withUnsafeBufferPointer { values in
            let width = rows.columnCount
            return (0..<rows.rowCount).map { model.margin(UnsafeBufferPointer(rebasing: values[($0 * width)..<(($0 + 1) * width)])) }
        }
    }

    static func labels(_ table: NumericTable, column: Int, name: String) throws(ModelError) -> [Float] {
        let labels = table.column(column)
        if let bad = labels.firstIndex(where: { $0 != 0 && $0 != 1 }) {
            throw ModelError("\(name) data row \(bad + 1): the label must be 0 or 1, found \(labels[bad])")
        }
        return labels
    }

    static func logLoss(margins: [Float], labels: [Float]) -> Double {
        var total = 0.0
        for (margin, label) in zip(margins, labels) {
            let p = min(max(Double(Logistic.sigmoid(margin)), 1e-16), 1 - 1e-16)
            total -= label > 0.5 ? log(p) : log(1 - p)
        }
        return margins.isEmpty ? .nan : total / Double(margins.count)
    }
}

extension RegressionTree {
    /// The value of the leaf a row of feature values reaches (the predictor's rules, on this layout).
    func leafValue(for row: UnsafeBufferPointer<Float>) -> Float {
        var node = 0
        while !isLeaf(node) {
            let value = row[Int(splitIndices[node])]
            let left: Bool
            if value.isNaN {
                left = defaultLeft[node]
            } else if let categories = rightCategories[node] {
                left = !(value >= 0 && categories.contains(Int32(value)))
            } else {
                left = value < splitConditions[node]
            }
            node = Int(left ? leftChildren[node] : rightChildren[node])
        }
        return splitConditions[node]
    }
}

/// Disjoint slices of these buffers are written by different threads within one scoped call.
private struct GradientBuffers: @unchecked Sendable {
    let margins: UnsafeBufferPointer<Float>
    let labels: UnsafeBufferPointer<Float>
    let gradients: UnsafeMutableBufferPointer<GradientPair>
}
