import Foundation

/// A duration in seconds, for rates and progress lines.
package func seconds(_ duration: Duration) -> Double {
    let (whole, attoseconds) = duration.components
    return Double(whole) + Double(attoseconds) * 1e-18
}

/// A duration as `1.23s`.
package func secondsText(_ duration: Duration) -> String {
    String(format: "%.2fs", seconds(duration) as Double)
}
