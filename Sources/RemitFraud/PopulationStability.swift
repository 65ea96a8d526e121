import Foundation

/// The population stability index between a reference sample and a live one (fraud.md §5):
/// PSI = Σ (a − e) · ln(a / e) over the reference's deciles plus one bin for missing values, where e and a
/// are the reference and live shares. Below 0.1 stable, 0.1–0.25 watch, above 0.25 act.
public enum PopulationStability {
    /// Shares below this are floored so an empty bin does not make the index infinite.
    static let floor = 1e-4

    public static func index(reference: [Float], live: [Float], bins: Int = 10) -> Double {
        guard !reference.isEmpty, !live.isEmpty else { return .nan }
        let edges = cutPoints(reference, bins: bins)
        let expected = shares(reference, edges), actual = shares(live, edges)
        var total = 0.0
        for (e, a) in zip(expected, actual) {
            let e = max(e, floor), a = max(a, floor)
            total += (a - e) * log(a / e)
        }
        return total
    }

    /// Interior cut points at the reference's quantiles (duplicates removed).
    static func cutPoints(_ values: [Float], bins: Int) -> [Float] {
        let present = values.filter { !$0.isNaN }.sorted()
        guard !present.isEmpty else { return [] }
        var edges: [Float] = []
        for i in 1..<bins {
            let edge = present[min(present.count - 1, i * present.count / bins)]
            if edges.last != edge { edges.append(edge) }
        }
        return edges
    }

    /// Shares per bin: `edges.count + 1` value bins (x < edge goes below it), then the missing bin.
    static func shares(_ values: [Float], _ edges: [Float]) -> [Double] {
        var counts = [Double](repeating: 0, count: edges.count + 2)
        for value in values {
            if value.isNaN {
                counts[edges.count + 1] += 1
                continue
            }
            var low = 0, high = edges.count
            while low < high {
                let middle = (low + high) / 2
                if value < edges[middle] { high = middle } else { low = middle + 1 }
            }
            counts[low] += 1
        }
        return counts.map { $0 / Double(values.count) }
    }
}
