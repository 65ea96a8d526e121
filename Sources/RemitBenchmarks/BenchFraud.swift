import ArgumentParser
import Foundation
import RemitCommandSupport
import GradientBoosting

struct BenchFraud: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fraud",
        abstract: "Time the fraud model: training, single-row scoring, TreeSHAP, batch scoring (in-process).",
        discussion: """
            Trains on the first 80 % of the rows and measures on the rest. Without --data it generates a \
            labelled set (--rows, 13 features with missing values) and can write it (--write-train, \
            --write-test) so peers (xgboost, LightGBM) are measured on the same rows.
            """)

    @Option(help: "A labelled CSV to use instead of generated rows.") var data: String?
    @Option(name: .customLong("label-column")) var labelColumn = "label"
    @Option(help: "Generated rows (train + test).") var rows = 1_250_000
    @Option var trees = 200
    @Option(name: .customLong("max-depth")) var maxDepth = 6
    @Option var eta = 0.1
    @Option(help: "Training threads.") var threads = 1
    @Option(help: "Single-row scoring calls to time.") var calls = 100_000
    @Option(help: "Rows to explain with TreeSHAP.") var explained = 5_000
    @Option(name: .customLong("write-train")) var writeTrain: String?
    @Option(name: .customLong("write-test")) var writeTest: String?
    @Option(name: .customLong("write-model")) var writeModel: String?

    func run() throws {
        let table: NumericTable
        if let data {
            table = try CSVReader.read(URL(fileURLWithPath: data)).table
        } else {
            table = BenchmarkData.generate(rows: rows, seed: 2026)
        }
        let split = table.rowCount * 8 / 10
        let width = table.columnCount
        let train = NumericTable(columnNames: table.columnNames, values: Array(table.values[0..<(split * width)]))
        let test = NumericTable(columnNames: table.columnNames, values: Array(table.values[(split * width)...]))
        if let writeTrain { try BenchmarkData.write(train, to: writeTrain) }
        if let writeTest { try BenchmarkData.write(test, to: writeTest) }
        print("data: \(train.rowCount) training rows, \(test.rowCount) test rows, \(width - 1) features")

        var parameters = TrainingParameters()
        parameters.rounds = trees
        parameters.maxDepth = maxDepth
        parameters.eta = eta
        parameters.threads = threads
        let clock = ContinuousClock()
        let trainStart = clock.now
        let model = try HistogramTrainer(parameters: parameters).train(train, labelColumn: labelColumn, evaluationInterval: 50) { progress in
            if progress.round % 50 == 0 { print("  round \(progress.round)/\(progress.rounds) \(secondsText(progress.elapsed))") }
        }
        let trainTime = clock.now - trainStart
        print("training: \(trees) trees, depth \(maxDepth), \(threads) thread(s): \(secondsText(trainTime))")
        if let writeModel { try model.jsonData().write(to: URL(fileURLWithPath: writeModel)) }

        let features = try test.selecting(model.featureNames)
        let labels = test.column(test.columnIndex(labelColumn)!)
        let featureCount = model.featureCount
        var scores = [Float](repeating: 0, count: features.rowCount)
        let batchStart = clock.now
        features.values.withUnsafeBufferPointer { values in
            for row in 0..<features.rowCount {
                scores[row] = model.predict(UnsafeBufferPointer(rebasing: values[(row * featureCount)..<((row + 1) * featureCount)]))
            }
        }
        let batchTime = clock.now - batchStart
        print(String(format: "batch scoring: %.2f M rows/s (one thread)", Double(features.rowCount) / seconds(batchTime) / 1e6))
        print(BinaryClassificationMetrics(scores: scores, labels: labels).summary)

        var timings = [Double]()
        timings.reserveCapacity(calls)
        var sink: Float = 0
        features.values.withUnsafeBufferPointer { values in
            for call in 0..<calls {
                let row = call % features.rowCount
                let slice = UnsafeBufferPointer(rebasing: values[(row * featureCount)..<((row + 1) * featureCount)])
                let start = clock.now
                sink += model.predict(slice)
                timings.append(seconds(clock.now - start))
            }
        }
        print("single-row scoring, \(calls) calls: \(Percentiles(timings).text(unit: 1e-6, suffix: "µs"))  (checksum \(sink))")

        let built = clock.now
        var explainer = TreeSHAP(model: model)
        let buildTime = clock.now - built
        print(String(format: "TreeSHAP leaf-subset table: %@ in %.1f ms", explainer.usesLeafSubsetTable
                     ? "\(model.leafSubsetTableEntries ?? 0) entries (\((model.leafSubsetTableEntries ?? 0) * 4 / 1_000_000) MB)"
                     : "over budget, not built", seconds(buildTime) * 1e3))
        var recursive = TreeSHAP(model: model, method: .recursive)
        var phi = [Double](repeating: 0, count: featureCount + 1), check = phi
        var shapTimings = [Double](), recursiveTimings = [Double]()
        var largestDifference = 0.0
        // Each method in a loop of its own (as xgboost's pred_contribs is timed), then the two compared row by row.
        let rows = min(explained, features.rowCount)
        var tableResults = [Double]()
        tableResults.reserveCapacity(rows * (featureCount + 1))
        features.values.withUnsafeBufferPointer { values in
            for call in 0..<rows {
                let slice = UnsafeBufferPointer(rebasing: values[(call * featureCount)..<((call + 1) * featureCount)])
                let start = clock.now
                phi.withUnsafeMutableBufferPointer { explainer.contributions(slice, into: $0) }
                shapTimings.append(seconds(clock.now - start))
                tableResults += phi
            }
            for call in 0..<rows {
                let slice = UnsafeBufferPointer(rebasing: values[(call * featureCount)..<((call + 1) * featureCount)])
                let start = clock.now
                check.withUnsafeMutableBufferPointer { recursive.contributions(slice, into: $0) }
                recursiveTimings.append(seconds(clock.now - start))
                for (index, value) in check.enumerated() {
                    largestDifference = max(largestDifference, abs(value - tableResults[call * (featureCount + 1) + index]))
                }
            }
        }
        print("TreeSHAP per row, \(shapTimings.count) rows: \(Percentiles(shapTimings).text(unit: 1e-3, suffix: "ms"))")
        print("TreeSHAP per row, recursion: \(Percentiles(recursiveTimings).text(unit: 1e-3, suffix: "ms")); "
              + String(format: "largest difference between the two %.2e", largestDifference))
    }
}

/// p50 / p99 / p99.9 / max of a list of durations in seconds.
struct Percentiles {
    let sorted: [Double]
    init(_ values: [Double]) { sorted = values.sorted() }

    func at(_ quantile: Double) -> Double {
        sorted[min(sorted.count - 1, Int((quantile * Double(sorted.count)).rounded(.up)) - 1)]
    }

    func text(unit: Double, suffix: String) -> String {
        String(format: "p50 %.2f%@, p99 %.2f%@, p99.9 %.2f%@, max %.2f%@",
               at(0.5) / unit, suffix, at(0.99) / unit, suffix, at(0.999) / unit, suffix, sorted.last! / unit, suffix)
    }
}
