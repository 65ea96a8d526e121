import RemitFraud

/// A risk key's recent history as read from the store: what the history features are computed from.
///
/// The charge path reads it on a reader connection just before its write transaction (`prefetched` on the
/// request), so on SQLite the read runs beside the single writer instead of inside its serial section.
/// Charges of the same key that are in flight at that very moment are not part of it.
public struct FraudKeyHistory: Sendable {
    public var key: String
    public var device: String?
    public var readAt: Int64
    /// Newest first: time, approved, amount (major units).
    public var attempts: [(time: Int64, approved: Bool, amount: Double)] = []
    public var deviceSeen = false
    public var disputes = 0

    /// Fills the history features of `inputs` as of `now`.
    func apply(to inputs: inout FeatureInputs, now: Int64) {
        var window = FeatureHistoryWindow(now: now)
        for attempt in attempts { window.add(time: attempt.time, approved: attempt.approved, amount: attempt.amount) }
        window.apply(to: &inputs)
        if device != nil { inputs.deviceSeenBefore = deviceSeen }
        inputs.keyDisputes = disputes
    }
}

extension LedgerReader {
    /// The history of `key` now (see ``FraudKeyHistory``).
    public func fraudHistory(key: String, device: String?) async throws -> FraudKeyHistory {
        try await FraudRows.history(account: accountID, key: key, device: device, now: now, on: connection)
    }
}
