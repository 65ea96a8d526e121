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
        let out = try ScoredCSV.render(model: ensemble, input: URL(fileURLWithPath: input), margin: margin,
                                       explain: explain ? explainMethod : nil)
        if let output {
            try Data(out.utf8).write(to: URL(fileURLWithPath: output))
        } else {
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }
}

extension TreeSHAP.Method: ExpressibleByArgument {}
