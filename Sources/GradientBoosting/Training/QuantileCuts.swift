import Foundation

/// Per-feature histogram bin boundaries, as XGBoost's `hist` builds them (`src/common/quantile.h`,
/// `hist_util.h`): bin b holds `cuts[b-1] <= x < cuts[b]`, and the last cut lies above the largest value.
struct QuantileCuts: Sendable {
    /// Per feature, the ascending upper bounds of its bins.
    var cuts: [[Float]]
    /// Per feature, a value below every training value (the threshold of a "missing versus the rest" split).
    var minimums: [Float]

    /// Exact quantiles: with at most `maxBin` distinct values every distinct value above the smallest is a
    /// cut; otherwise the values at ranks i·n/maxBin, de-duplicated. Features are sorted on `threads` threads.
    init(table: NumericTable, featureColumns: [Int], maxBin: Int, threads: Int = 1) {
        let results = ParallelSlots<(cuts: [Float], minimum: Float)>(count: featureColumns.count)
        let work = { @Sendable (index: Int) in
            results.set(index, Self.cuts(of: table, column: featureColumns[index], maxBin: maxBin))
        }
        if threads > 1 {
            DispatchQueue.concurrentPerform(iterations: featureColumns.count, execute: work)
        } else {
            for index in featureColumns.indices { work(index) }
        }
        let all = featureColumns.indices.map { results.take($0) }
        cuts = all.map(\.cuts)
        minimums = all.map(\.minimum)
    }

    static func cuts(of table: NumericTable, column feature: Int, maxBin: Int) -> (cuts: [Float], minimum: Float) {
        var column = [Float]()
        column.reserveCapacity(table.rowCount)
        for row in 0..<table.rowCount {
            let value = table.values[row * table.columnCount + feature]
            if !value.isNaN { column.append(value) }
        }
        column.sort()
        guard let smallest = column.first, let largest = column.last else { return ([1e-5], -1e-5) }
        var distinct = [Float]()
        var featureCuts = [Float]()
        for value in column where distinct.last != value {
            distinct.append(value)
            if distinct.count > maxBin { break }
        }
        if distinct.count <= maxBin {
            featureCuts = Array(distinct.dropFirst())
        } else {
            for i in 1..<maxBin {
                let value = column[min(column.count - 1, i * column.count / maxBin)]
                if value > smallest, featureCuts.last != value { featureCuts.append(value) }
            }
        }
        let top = largest + (abs(largest) + 1e-5)
        if featureCuts.last.map({ $0 < top }) ?? true { featureCuts.append(top) }
        return (featureCuts, smallest - (abs(smallest) + 1e-5))
    }

    /// The bin of a non-missing value: the number of cuts at or below it, clamped to the last bin.
    @inline(__always)
    func bin(_ value: Float, feature: Int) -> Int {
        let featureCuts = cuts[feature]
        var low = 0, high = featureCuts.count
        while low < high {
            let middle = (low + high) >> 1
            if featureCuts[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return min(low, featureCuts.count - 1)
    }
}
