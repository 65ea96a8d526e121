/// Sums of gradients and hessians per histogram slot for one tree node; `values[2s]` is G and
/// `values[2s+1]` is H of slot s.
struct GradientHistogram {
    var values: [Double]

    init(slotCount: Int) { values = [Double](repeating: 0, count: 2 * slotCount) }

    /// Adds the rows `rows` of `matrix` with their gradient pairs.
    mutating func accumulate(rows: UnsafeBufferPointer<UInt32>, matrix: BinnedMatrix, gradients: UnsafeBufferPointer<GradientPair>) {
        let featureCount = matrix.featureCount
        values.withUnsafeMutableBufferPointer { histogram in
            matrix.rowBins.withUnsafeBufferPointer { bins in
                matrix.offsets.withUnsafeBufferPointer { offsets in
                    for row in rows {
                        let r = Int(row)
                        let pair = gradients[r]
                        let g = Double(pair.gradient), h = Double(pair.hessian)
                        let base = r &* featureCount
                        for feature in 0..<featureCount {
                            let slot = (offsets[feature] &+ Int(bins[base &+ feature])) &* 2
                            histogram[slot] += g
                            histogram[slot &+ 1] += h
                        }
                    }
                }
            }
        }
    }

    /// `self = parent − sibling`, the subtraction trick: one child's histogram from its parent and sibling.
    mutating func subtract(parent: GradientHistogram, sibling: GradientHistogram) {
        values.withUnsafeMutableBufferPointer { out in
            parent.values.withUnsafeBufferPointer { p in
                sibling.values.withUnsafeBufferPointer { s in
                    for i in out.indices { out[i] = p[i] - s[i] }
                }
            }
        }
    }

    mutating func add(_ other: GradientHistogram) {
        values.withUnsafeMutableBufferPointer { out in
            other.values.withUnsafeBufferPointer { o in
                for i in out.indices { out[i] += o[i] }
            }
        }
    }
}

/// A row's first and second derivative of the loss at its current margin.
struct GradientPair: Sendable {
    var gradient: Float
    var hessian: Float
}
