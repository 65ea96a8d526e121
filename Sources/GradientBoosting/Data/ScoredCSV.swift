import Foundation

/// A CSV scored by a model (`remit fraud predict`): each input line followed by its score, and when asked the raw
/// margin and one TreeSHAP contribution per feature plus the bias (in log-odds; they add up to the margin).
public enum ScoredCSV {
    /// The columns a model reads: its feature names, or f0, f1, … for a model trained without names.
    public static func featureNames(_ model: TreeEnsemble) -> [String] {
        model.featureNames.isEmpty ? (0..<model.featureCount).map { "f\($0)" } : model.featureNames
    }

    /// The scored text of the CSV at `input` (other columns than the model's are echoed, not read).
    public static func render(model: TreeEnsemble, input: URL, margin: Bool, explain: TreeSHAP.Method?) throws -> String {
        let names = featureNames(model)
        let read = try CSVReader.read(input, columns: names, keepLines: true)
        var out = read.header + ",score"
        if margin { out += ",margin" }
        if explain != nil { out += (names + ["bias"]).map { ",contrib_\($0)" }.joined() }
        out += "\n"
        var explainer = explain.map { TreeSHAP(model: model, method: $0) }
        var phi = [Double](repeating: 0, count: model.featureCount + 1)
        let width = read.table.columnCount
        read.table.values.withUnsafeBufferPointer { values in
            for (index, line) in read.lines!.enumerated() {
                let row = UnsafeBufferPointer(rebasing: values[(index * width)..<((index + 1) * width)])
                let rawMargin = model.margin(row)
                out += line
                out += ",\(model.objective.transform(margin: rawMargin))"
                if margin { out += ",\(rawMargin)" }
                if explainer != nil {
                    phi.withUnsafeMutableBufferPointer { explainer!.contributions(row, into: $0) }
                    for value in phi { out += ",\(value)" }
                }
                out += "\n"
            }
        }
        return out
    }

    /// The model's score of every row of `table` (its columns picked by the model's feature names).
    public static func scores(model: TreeEnsemble, table: NumericTable) throws -> [Float] {
        let features = try table.selecting(featureNames(model))
        let width = features.columnCount
        return features.values.withUnsafeBufferPointer { values in
            (0..<features.rowCount).map { model.predict(UnsafeBufferPointer(rebasing: values[($0 * width)..<(($0 + 1) * width)])) }
        }
    }
}
