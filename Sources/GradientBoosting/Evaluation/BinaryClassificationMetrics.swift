import Foundation

/// Quality figures for scores against 0/1 labels.
public struct BinaryClassificationMetrics: Sendable, Codable, Equatable {
    public var rows: Int
    public var positives: Int
    /// Area under the ROC curve; tied scores count one half (the Mann–Whitney statistic).
    public var auc: Double
    /// Average precision (scikit-learn's `average_precision_score`): the step-wise area under the PR curve.
    public var prAUC: Double
    public var logLoss: Double
    public var atThresholds: [ThresholdMetrics]

    public struct ThresholdMetrics: Sendable, Codable, Equatable {
        public var threshold: Double
        public var precision: Double
        public var recall: Double
        /// The share of rows at or above the threshold.
        public var flagged: Double
    }

    public init(scores: [Float], labels: [Float], thresholds: [Double] = [0.7, 0.9]) {
        precondition(scores.count == labels.count)
        rows = scores.count
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        positives = labels.reduce(0) { $0 + ($1 > 0.5 ? 1 : 0) }
        let negatives = rows - positives
        // ROC AUC and average precision over groups of tied scores, highest first.
        var truePositives = 0.0, falsePositives = 0.0, area = 0.0, averagePrecision = 0.0
        var start = 0
        while start < order.count {
            var end = start
            var groupPositives = 0.0, groupNegatives = 0.0
            while end < order.count, scores[order[end]] == scores[order[start]] {
                if labels[order[end]] > 0.5 { groupPositives += 1 } else { groupNegatives += 1 }
                end += 1
            }
            area += groupNegatives * (truePositives + groupPositives / 2)
            truePositives += groupPositives
            falsePositives += groupNegatives
            if groupPositives > 0, positives > 0 {
                averagePrecision += (groupPositives / Double(positives)) * truePositives / (truePositives + falsePositives)
            }
            start = end
        }
        auc = positives > 0 && negatives > 0 ? area / (Double(positives) * Double(negatives)) : .nan
        prAUC = positives > 0 ? averagePrecision : .nan
        var loss = 0.0
        for (score, label) in zip(scores, labels) {
            let p = min(max(Double(score), 1e-15), 1 - 1e-15)
            loss -= label > 0.5 ? log(p) : log(1 - p)
        }
        logLoss = rows > 0 ? loss / Double(rows) : .nan
        let rows = rows, positives = positives
        atThresholds = thresholds.map { threshold in
            var flagged = 0, hits = 0
            for (score, label) in zip(scores, labels) where Double(score) >= threshold {
                flagged += 1
                if label > 0.5 { hits += 1 }
            }
            return ThresholdMetrics(
                threshold: threshold, precision: flagged > 0 ? Double(hits) / Double(flagged) : .nan,
                recall: positives > 0 ? Double(hits) / Double(positives) : .nan,
                flagged: rows > 0 ? Double(flagged) / Double(rows) : .nan)
        }
    }

    /// One line per figure, for terminals and reports.
    public var summary: String {
        var lines = [String(format: "rows %d, positives %d (%.3f%%)", rows, positives, rows > 0 ? 100 * Double(positives) / Double(rows) : 0)]
        lines.append(String(format: "AUC %.4f, PR-AUC %.4f, logloss %.5f", auc, prAUC, logLoss))
        for t in atThresholds {
            lines.append(String(format: "at %.2f: precision %.3f, recall %.3f, flagged %.3f%%", t.threshold, t.precision, t.recall, 100 * t.flagged))
        }
        return lines.joined(separator: "\n")
    }
}
