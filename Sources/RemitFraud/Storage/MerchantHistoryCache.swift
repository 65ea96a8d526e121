import Synchronization

/// Each merchant's 30-day charge and dispute counts for `merchant_dispute_rate_30d`, re-read at most once a
/// minute: a 30-day rate does not move in a minute, and counting a busy merchant's month per charge would.
final class MerchantHistoryCache: Sendable {
    static let maximumAge: Int64 = 60

    private let entries = Mutex<[String: (readAt: Int64, charges: Int, disputes: Int)]>([:])

    func cached(_ account: String, now: Int64) -> (charges: Int, disputes: Int)? {
        entries.withLock { entries in
            guard let entry = entries[account], now - entry.readAt < Self.maximumAge, now >= entry.readAt else { return nil }
            return (entry.charges, entry.disputes)
        }
    }

    func store(_ account: String, now: Int64, charges: Int, disputes: Int) {
        entries.withLock { $0[account] = (now, charges, disputes) }
    }
}
