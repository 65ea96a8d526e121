/// `PERCENTILE_CONT(p)`, exactly as the SQL standard, Azure Stream Analytics, PostgreSQL and DuckDB's
/// `quantile_cont` define it (research data.md §5.3): with the n values sorted, h = (n − 1)·p, lo = ⌊h⌋,
/// hi = min(lo + 1, n − 1), the result is x_lo + (h − lo)·(x_hi − x_lo). The two order statistics are found by
/// selection in O(n), not by sorting.
public enum PercentileCont {
    /// Nil for no values. `values` is reordered.
    public static func of(_ p: Double, _ values: inout [Double]) -> Double? {
        precondition(p >= 0 && p <= 1)
        guard !values.isEmpty else { return nil }
        let n = values.count
        let h = Double(n - 1) * p
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, n - 1)
        let low = select(lo, &values)
        guard hi != lo else { return low }
        // After selecting rank lo, every value above index lo is ≥ it: rank lo + 1 is their minimum.
        var high = Double.infinity
        for index in (lo + 1)..<n where values[index] < high { high = values[index] }
        return low + (h - Double(lo)) * (high - low)
    }

    /// The value of rank `k` (0-based): Hoare's quickselect with a median-of-three pivot; afterwards the values
    /// before `k` are ≤ it and the ones after are ≥ it.
    static func select(_ k: Int, _ values: inout [Double]) -> Double {
        var low = 0
        var high = values.count - 1
        values.withUnsafeMutableBufferPointer { buffer in
            while low < high {
                let middle = low + (high - low) / 2
                if buffer[middle] < buffer[low] { buffer.swapAt(middle, low) }
                if buffer[high] < buffer[low] { buffer.swapAt(high, low) }
                if buffer[high] < buffer[middle] { buffer.swapAt(high, middle) }
                let pivot = buffer[middle]
                var i = low
                var j = high
                while i <= j {
                    while buffer[i] < pivot { i += 1 }
                    while buffer[j] > pivot { j -= 1 }
                    if i <= j {
                        buffer.swapAt(i, j)
                        i += 1
                        j -= 1
                    }
                }
                if k <= j { high = j } else if k >= i { low = i } else { return }
            }
        }
        return values[k]
    }
}
