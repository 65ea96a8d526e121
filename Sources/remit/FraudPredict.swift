import ArgumentParser
import RemitCommandSupport
import Foundation
import GradientBoosting

struct FraudPredict: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Score a CSV with a model; writes each input row followed by its score.",
        discussion: """
            The model's feature names pick the columns (other columns are ignored and echoed). With --explain, \
            one contribution column per feature (TreeSHAP, in log-odds) and contrib_bias follow the score; \
            they add up to the margin.
            """)

    @Option(help: "A model in XGBoost's JSON format.") var model: String
    @Option(help: "Rows to score (CSV with a header row).") var input: String
    @Option(help: "Where to write the scored CSV (standard output if omitted).") var output: String?
    @Flag(help: "Add TreeSHAP contributions per feature.") var explain = false
    @Option(name: .customLong("explain-method"),
            help: "automatic (a table of leaf credits precomputed per model, within a 32 MB budget) or recursive.")
    var explainMethod: TreeSHAP.Method = .automatic
    @Flag(help: "Write the raw margin (log-odds) as well.") var margin = false

    func run() throws {
        let ensemble: TreeEnsemble
        do { ensemble = try TreeEnsemble(contentsOf: URL(fileURLWithPath: model)) } catch { throw ValidationError(error.description) }
        let names = try Self.featureNames(ensemble)
        let read = try CSVReader.read(URL(fileURLWithPath: input), columns: names, keepLines: true)
        var out = read.header + ",score"
        if margin { out += ",margin" }
        if explain { out += (names + ["bias"]).map { ",contrib_\($0)" }.joined() }
        out += "\n"
        var explainer = explain ? TreeSHAP(model: ensemble, method: explainMethod) : nil
        var phi = [Double](repeating: 0, count: ensemble.featureCount + 1)
        let width = read.table.columnCount
        read.table.values.withUnsafeBufferPointer { values in
            for (index, line) in read.lines!.enumerated() {
                let row = UnsafeBufferPointer(rebasing: values[(index * width)..<((index + 1) * width)])
                let rawMargin = ensemble.margin(row)
                out += line
                out += ",\(ensemble.objective.transform(margin: rawMargin))"
                if margin { out += ",\(rawMargin)" }
                if explainer != nil {
                    phi.withUnsafeMutableBufferPointer { explainer!.contributions(row, into: $0) }
                    for value in phi { out += ",\(value)" }
                }
                out += "\n"
            }
        }
        if let output {
            try Data(out.utf8).write(to: URL(fileURLWithPath: output))
        } else {
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }

    /// The columns a model reads: its feature names, or f0, f1, … for a model trained without names.
    static func featureNames(_ model: TreeEnsemble) throws -> [String] {
        model.featureNames.isEmpty ? (0..<model.featureCount).map { "f\($0)" } : model.featureNames
    }

    static func scores(model: TreeEnsemble, table: NumericTable) throws -> [Float] {
        let features = try table.selecting(try featureNames(model))
        let width = features.columnCount
        return features.values.withUnsafeBufferPointer { values in
            (0..<features.rowCount).map { model.predict(UnsafeBufferPointer(rebasing: values[($0 * width)..<(($0 + 1) * width)])) }
        }
    }
}

extension TreeSHAP.Method: ExpressibleByArgument {}
