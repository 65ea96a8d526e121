import Foundation

/// Grows one tree depth-wise on histograms: every node of a depth is split before the next depth, the
/// smaller child's histogram is built from its rows and its sibling's by subtraction from the parent.
struct TreeGrower {
    let parameters: TrainingParameters
    let matrix: BinnedMatrix
    let finder: SplitFinder

    /// A grown tree and, per node, its split in bin terms (to route rows the tree did not see).
    struct Grown {
        var tree = RegressionTree()
        var binSplits: [(feature: Int, splitBin: Int, defaultLeft: Bool)] = []
        /// Leaves with the range of `rows` that reached them.
        var leaves: [(node: Int, begin: Int, end: Int)] = []
    }

    private struct Work {
        var node: Int
        var begin: Int
        var end: Int
        var sums: SplitFinder.Sums
        var histogram: GradientHistogram?
        var split: SplitFinder.Candidate?
    }

    /// Grows a tree over `rows` (reordered in place so each leaf's rows are contiguous).
    func grow(rows: inout [UInt32], gradients: [GradientPair], features: [Int]) -> Grown {
        var grown = Grown()
        var total = SplitFinder.Sums()
        for row in rows {
            total.gradient += Double(gradients[Int(row)].gradient)
            total.hessian += Double(gradients[Int(row)].hessian)
        }
        let eta = parameters.eta
        let rootWeight = finder.weight(total)
        grown.tree.appendLeaf(value: Float(eta * rootWeight), weight: Float(rootWeight), cover: Float(total.hessian))
        grown.binSplits.append((0, 0, false))
        var level = [Work(node: 0, begin: 0, end: rows.count, sums: total)]
        var scratch = [UInt32]()
        if parameters.maxDepth > 0 {
            let histogram = build(rows: rows, range: 0..<rows.count, gradients: gradients)
            level[0].split = finder.best(histogram: histogram, total: total, features: features)
            level[0].histogram = histogram
        }
        for depth in 0..<parameters.maxDepth {
            var next = [Work]()
            for work in level {
                guard let split = work.split, let parentHistogram = work.histogram else {
                    grown.leaves.append((work.node, work.begin, work.end))
                    continue
                }
                let middle = partition(&rows, work.begin..<work.end, split: split, scratch: &scratch)
                let leftWeight = finder.weight(split.left), rightWeight = finder.weight(split.right)
                let (leftNode, rightNode) = grown.tree.split(
                    work.node, feature: split.feature, threshold: split.threshold, defaultLeft: split.defaultLeft,
                    gain: Float(split.gain),
                    left: (Float(eta * leftWeight), Float(leftWeight), Float(split.left.hessian)),
                    right: (Float(eta * rightWeight), Float(rightWeight), Float(split.right.hessian)))
                grown.binSplits[work.node] = (split.feature, split.splitBin, split.defaultLeft)
                grown.binSplits.append((0, 0, false))
                grown.binSplits.append((0, 0, false))
                var left = Work(node: leftNode, begin: work.begin, end: middle, sums: split.left)
                var right = Work(node: rightNode, begin: middle, end: work.end, sums: split.right)
                if depth + 1 < parameters.maxDepth {
                    let leftIsSmaller = middle - work.begin <= work.end - middle
                    let smallRange = leftIsSmaller ? work.begin..<middle : middle..<work.end
                    let small = build(rows: rows, range: smallRange, gradients: gradients)
                    var large = GradientHistogram(slotCount: matrix.slotCount)
                    large.subtract(parent: parentHistogram, sibling: small)
                    left.histogram = leftIsSmaller ? small : large
                    right.histogram = leftIsSmaller ? large : small
                    left.split = finder.best(histogram: left.histogram!, total: left.sums, features: features)
                    right.split = finder.best(histogram: right.histogram!, total: right.sums, features: features)
                }
                next.append(left)
                next.append(right)
            }
            level = next
            if level.isEmpty { break }
        }
        for work in level { grown.leaves.append((work.node, work.begin, work.end)) }
        return grown
    }

    /// The histogram of `rows[range]`, split across threads for large nodes.
    private func build(rows: [UInt32], range: Range<Int>, gradients: [GradientPair]) -> GradientHistogram {
        let threads = parameters.threads
        return rows.withUnsafeBufferPointer { rows in
            gradients.withUnsafeBufferPointer { gradients in
                let slice = UnsafeBufferPointer(rebasing: rows[range])
                guard threads > 1, range.count >= 32_768 else {
                    var histogram = GradientHistogram(slotCount: matrix.slotCount)
                    histogram.accumulate(rows: slice, matrix: matrix, gradients: gradients)
                    return histogram
                }
                let partials = ParallelSlots<GradientHistogram>(count: threads)
                let chunk = (slice.count + threads - 1) / threads
                // Read-only views of arrays that outlive the concurrentPerform call.
                let shared = ReadOnlyBuffers(rows: slice, gradients: gradients)
                DispatchQueue.concurrentPerform(iterations: threads) { part in
                    let lower = part * chunk, upper = min(shared.rows.count, lower + chunk)
                    var histogram = GradientHistogram(slotCount: matrix.slotCount)
                    if lower < upper {
                        histogram.accumulate(
                            rows: UnsafeBufferPointer(rebasing: shared.rows[lower..<upper]), matrix: matrix,
                            gradients: shared.gradients)
                    }
                    partials.set(part, histogram)
                }
                var histogram = partials.take(0)
                for part in 1..<threads { histogram.add(partials.take(part)) }
                return histogram
            }
        }
    }

    /// Reorders `rows[range]` so the rows going left come first, keeping each side in ascending row order
    /// (so later passes read the binned matrix forwards); returns where the right rows start.
    private func partition(_ rows: inout [UInt32], _ range: Range<Int>, split: SplitFinder.Candidate, scratch: inout [UInt32]) -> Int {
        let missingBin = UInt16(matrix.binCounts[split.feature])
        let splitBin = UInt16(split.splitBin), defaultLeft = split.defaultLeft
        let columnStart = split.feature * matrix.rowCount
        if scratch.count < range.count { scratch = [UInt32](repeating: 0, count: range.count) }
        return matrix.columnBins.withUnsafeBufferPointer { columns in
            rows.withUnsafeMutableBufferPointer { rows in
                scratch.withUnsafeMutableBufferPointer { right in
                    let column = columns.baseAddress! + columnStart
                    var leftEnd = range.lowerBound, rightCount = 0
                    for position in range {
                        let row = rows[position]
                        let bin = column[Int(row)]
                        let goesLeft = bin == missingBin ? defaultLeft : bin < splitBin
                        // Branch-free: write to both sides, advance the one the row belongs to.
                        rows[leftEnd] = row
                        right[rightCount] = row
                        let step = goesLeft ? 1 : 0
                        leftEnd &+= step
                        rightCount &+= 1 &- step
                    }
                    for i in 0..<rightCount { rows[leftEnd + i] = right[i] }
                    return leftEnd
                }
            }
        }
    }
}

/// Buffers that several threads only read, for the duration of one scoped call.
private struct ReadOnlyBuffers: @unchecked Sendable {
    let rows: UnsafeBufferPointer<UInt32>
    let gradients: UnsafeBufferPointer<GradientPair>
}

/// Per-thread results of a `concurrentPerform`, each slot written by exactly one iteration.
final class ParallelSlots<Value>: @unchecked Sendable {
    private var values: [Value?]
    private let lock = NSLock()

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value) { lock.withLock { values[index] = value } }

    func take(_ index: Int) -> Value { lock.withLock { values[index]! } }
}
