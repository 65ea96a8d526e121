/// The history features from a key's most recent attempts (at most ``attempts``, newest first), the one place
/// the windows are defined for both the live store and the offline simulation.
public struct FeatureHistoryWindow: Sendable {
    /// A busy key costs a bounded index scan per charge: only its last 100 attempts are read.
    public static let attempts = 100
    /// The 30 days of the `_30d` features (the key's approved amounts, the merchant's charges and disputes), in seconds.
    public static let month: Int64 = 30 * 86_400
    public let now: Int64
    var lastHour = 0
    var lastDay = 0
    var approvedCount = 0
    var approvedSum = 0.0
    var approvedSquares = 0.0
    public private(set) var latest: Int64?

    public init(now: Int64) { self.now = now }

    /// Adds one earlier attempt; call newest first.
    public mutating func add(time: Int64, approved: Bool, amount: Double) {
        if latest == nil { latest = time }
        if time > now - 3_600 { lastHour += 1 }
        if time > now - 86_400 { lastDay += 1 }
        if approved, time > now - Self.month {
            approvedCount += 1
            approvedSum += amount
            approvedSquares += amount * amount
        }
    }

    public func apply(to inputs: inout FeatureInputs) {
        inputs.attemptsLastHour = lastHour
        inputs.attemptsLastDay = lastDay
        inputs.recentApprovedCount = approvedCount
        inputs.recentApprovedSum = approvedSum
        inputs.recentApprovedSumOfSquares = approvedSquares
        if let latest {
            inputs.hasEarlierAttempt = true
            inputs.secondsSinceLastAttempt = Double(max(0, now - latest))
        }
    }
}
