/// The training rows as histogram slots: for each row and feature, the index of its bin in a node histogram
/// that lays features end to end, each followed by one slot for missing values.
struct BinnedMatrix: Sendable {
    let rowCount: Int
    let featureCount: Int
    /// `rowCount × featureCount` slot indices, row-major.
    let slots: [UInt32]
    /// Per feature, its first slot; the feature's missing slot is `offsets[f] + binCounts[f]`.
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
        var slots = [UInt32](repeating: 0, count: rowCount * featureCount)
        for row in 0..<rowCount {
            let source = row * table.columnCount, target = row * featureCount
            for (feature, column) in featureColumns.enumerated() {
                let value = table.values[source + column]
                let bin = value.isNaN ? binCounts[feature] : cuts.bin(value, feature: feature)
                slots[target + feature] = UInt32(offsets[feature] + bin)
            }
        }
        self.slots = slots
    }

    /// The feature-local bin of a row (`binCounts[f]` when missing).
    @inline(__always)
    func bin(row: Int, feature: Int) -> Int { Int(slots[row * featureCount + feature]) - offsets[feature] }
}
