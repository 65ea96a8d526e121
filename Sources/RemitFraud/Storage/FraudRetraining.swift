import Foundation
import GradientBoosting
import RemitCore
import RemitSQL

/// Scheduled retraining on matured labels (fraud.md §3.1 and §5): an incremental update that appends trees to
/// the champion on the latest window, or a full retrain with a small hyper-parameter search. The candidate is
/// registered as the shadow with its metrics on a matured validation window (the last fifth, by time) next to
/// the champion's on the same rows; it is promoted only if it is better on both AUC and PR-AUC.
public struct FraudRetraining: Sendable {
    public enum Kind: String, Sendable { case incremental, full }

    public struct Settings: Sendable {
        /// Charges younger than this have not had time to be disputed.
        public var maturity: Int64 = 60 * 86_400
        /// How far back each kind reads.
        public var incrementalWindow: Int64 = 30 * 86_400
        public var fullWindow: Int64 = 180 * 86_400
        public var minimumRows = 1_000
        public var minimumPositives = 20
        public init() {}
    }

    public struct Report: Sendable, CustomStringConvertible {
        public var kind: Kind
        public var rows = 0
        public var positives = 0
        public var candidate: String?
        public var candidateMetrics: BinaryClassificationMetrics?
        public var championMetrics: BinaryClassificationMetrics?
        public var promoted = false
        public var skipped: String?

        public var description: String {
            if let skipped { return "\(kind.rawValue) retrain skipped: \(skipped)" }
            var text = "\(kind.rawValue) retrain on \(rows) matured rows (\(positives) fraud): candidate \(candidate ?? "-")"
            if let c = candidateMetrics { text += String(format: " AUC %.4f PR-AUC %.4f", c.auc, c.prAUC) }
            if let c = championMetrics { text += String(format: "; champion AUC %.4f PR-AUC %.4f", c.auc, c.prAUC) }
            return text + (promoted ? "; promoted" : "; left in shadow for an operator")
        }
    }

    public let database: any SQLDatabase
    public let clock: WallClock
    public let settings: Settings

    public init(database: any SQLDatabase, clock: WallClock = .system, settings: Settings = Settings()) {
        self.database = database
        self.clock = clock
        self.settings = settings
    }

    /// Runs one retrain against the current champion (`champion` when the registry has none, e.g. the
    /// default model).
    public func run(_ kind: Kind, champion fallback: FraudModel?) async throws -> Report {
        var report = Report(kind: kind)
        let now = clock.unixSeconds()
        let until = now - settings.maturity
        let since = until - (kind == .full ? settings.fullWindow : settings.incrementalWindow)
        let table = try await matured(since: since, until: until)
        report.rows = table.rowCount
        let labels = table.column(table.columnCount - 1)
        report.positives = labels.reduce(0) { $0 + ($1 > 0.5 ? 1 : 0) }
        guard report.rows >= settings.minimumRows, report.positives >= settings.minimumPositives else {
            report.skipped = "\(report.rows) matured rows with \(report.positives) fraud labels (need \(settings.minimumRows) and \(settings.minimumPositives))"
            return report
        }
        let split = table.rowCount * 4 / 5
        let width = table.columnCount
        let training = NumericTable(columnNames: table.columnNames, values: Array(table.values[0..<(split * width)]))
        let validation = NumericTable(columnNames: table.columnNames, values: Array(table.values[(split * width)...]))
        let registry = FraudModelRegistry(database: database, clock: clock)
        let champion = try await registry.active().champion ?? fallback

        let candidate: TreeEnsemble
        switch kind {
        case .incremental:
            guard let champion else {
                report.skipped = "no champion to continue from"
                return report
            }
            var parameters = TrainingParameters()
            parameters.rounds = 20
            parameters.eta = 0.1
            candidate = try HistogramTrainer(parameters: parameters).train(
                training, labelColumn: "label", continuing: champion.ensemble)
        case .full:
            var best: (TreeEnsemble, Double)?
            for (depth, eta) in [(4, 0.1), (6, 0.1), (6, 0.3)] {
                var parameters = TrainingParameters()
                parameters.rounds = 300
                parameters.maxDepth = depth
                parameters.eta = eta
                parameters.earlyStoppingRounds = 20
                let model = try HistogramTrainer(parameters: parameters).train(
                    training, labelColumn: "label", validation: validation)
                let score = Self.metrics(model, validation).prAUC
                if best == nil || score > best!.1 { best = (model, score) }
            }
            candidate = best!.0
        }
        let candidateMetrics = Self.metrics(candidate, validation)
        report.candidateMetrics = candidateMetrics
        let championMetrics = champion.map { Self.metrics($0.ensemble, validation) }
        report.championMetrics = championMetrics
        let stamp = ISO8601DateFormatter().string(from: clock.now()).prefix(16).replacingOccurrences(of: ":", with: "")
        let version = "retrain-\(kind.rawValue)-\(stamp)"
        let description = String(format: "%@ retrain: validation AUC %.4f PR-AUC %.4f on %d matured rows",
                                 kind.rawValue, candidateMetrics.auc, candidateMetrics.prAUC, validation.rowCount)
        try await registry.register(version: version, json: candidate.jsonData(), description: description, status: .shadow)
        report.candidate = version
        if let championMetrics, candidateMetrics.auc > championMetrics.auc, candidateMetrics.prAUC > championMetrics.prAUC {
            try await registry.setStatus(version, .champion)
            report.promoted = true
        } else if championMetrics == nil {
            try await registry.setStatus(version, .champion)
            report.promoted = true
        }
        return report
    }

    /// Matured labelled vectors created in `since ..< until`, oldest first, as the 13 features and `label`.
    func matured(since: Int64, until: Int64) async throws -> NumericTable {
        let rows = try await FraudRows.labelledVectors(since: since, until: until, on: database)
        var values: [Float] = []
        values.reserveCapacity(rows.count * (FraudFeature.allCases.count + 1))
        for (vector, fraud) in rows {
            values.append(contentsOf: vector.values)
            values.append(fraud ? 1 : 0)
        }
        return NumericTable(columnNames: FeatureSchema.current.names + ["label"], values: values)
    }

    static func metrics(_ model: TreeEnsemble, _ table: NumericTable) -> BinaryClassificationMetrics {
        let width = table.columnCount
        let scores = table.values.withUnsafeBufferPointer { values in
            (0..<table.rowCount).map { model.predict(UnsafeBufferPointer(rebasing: values[($0 * width)..<($0 * width + width - 1)])) }
        }
        return BinaryClassificationMetrics(scores: scores, labels: table.column(width - 1))
    }
}
