/// The training rows as feature-local histogram bins (`UInt16`; a feature's missing values get the bin
/// `binCounts[f]`, one past its last), stored twice: row-major for building histograms over a node's rows,
/// and column-major for partitioning a node on one feature, so each pass reads memory forwards.
struct BinnedMatrix: Sendable {
    let rowCount: Int
    let featureCount: Int
    /// `rowCount × featureCount` bins, row-major.
    let rowBins: [UInt16]
    /// `featureCount × rowCount` bins, column-major.
    let columnBins: [UInt16]
    /// Per feature, its first slot in a node histogram; its missing slot is `offsets[f] + binCounts[f]`.
    let offsets: [Int]
    let binCounts: [Int]
    let slotCount: Int

    init(table: NumericTable, featureColumns: [Int], cuts: QuantileCuts) {
        rowCount = table.rowCount
        featureCount = featureColumns.count
        var offsets = [Int](), binCounts = [Int](), next = 0
        for feature in 0..<featureCount {
            offsets.append(next)
            binCounts.append(cuts.cuts[feature].count)
            next += cuts.cuts[feature].count + 1
        }
        self.offsets = offsets
        self.binCounts = binCounts
        slotCount = next
        var rowBins = [UInt16](repeating: 0, count: rowCount * featureCount)
        var columnBins = [UInt16](repeating: 0, count: rowCount * featureCount)
        for row in 0..<rowCount {
            let source = row * table.columnCount, target = row * featureCount
            for (feature, column) in featureColumns.enumerated() {
                let value = table.values[source + column]
                let bin = UInt16(value.isNaN ? binCounts[feature] : cuts.bin(value, feature: feature))
                rowBins[target + feature] = bin
                columnBins[feature * rowCount + row] = bin
            }
        }
        self.rowBins = rowBins
        self.columnBins = columnBins
    }

    /// The feature-local bin of a row (`binCounts[f]` when missing).
    @inline(__always)
    func bin(row: Int, feature: Int) -> Int { Int(rowBins[row * featureCount + feature]) }
}
