/// A windowed query over the request log, declared rather than coded (issue #6 §6): what to group by, the window,
/// the aggregates, and an optional HAVING condition that flags rows. Adding a query is a new value of this type and
/// a sink table, not a new processor. The two of the seed (`apiPerformance`, `merchantErrors`) are defined below.
public struct WindowQuery: Sendable, Equatable {
    /// A column of the request log to group by.
    public enum Dimension: String, Sendable, CaseIterable {
        case merchant = "merchant_id"
        case endpoint
    }

    /// An aggregate and the name of its output column.
    public enum Aggregate: Sendable, Equatable {
        /// `COUNT(*)`.
        case count(String)
        /// `AVG(latency_ms)`.
        case averageLatency(String)
        /// `PERCENTILE_CONT(p) WITHIN GROUP (ORDER BY latency_ms)`, exact (linear interpolation).
        case latencyPercentile(Double, String)
        /// `SUM(CASE WHEN status_code >= 500 THEN 1 ELSE 0 END)`.
        case serverErrors(String)
        /// `serverErrors / count` as a real number.
        case serverErrorRate(String)

        public var column: String {
            switch self {
            case .count(let name), .averageLatency(let name), .latencyPercentile(_, let name), .serverErrors(let name),
                 .serverErrorRate(let name): name
            }
        }

        /// Whether the column is a real number (else an integer).
        public var isReal: Bool {
            switch self {
            case .count, .serverErrors: false
            case .averageLatency, .latencyPercentile, .serverErrorRate: true
            }
        }
    }

    /// `HAVING`: rows that satisfy it are flagged in the `breach` column (every row is still written: an alert needs
    /// the healthy windows too).
    public enum Having: Sendable, Equatable {
        /// Error rate strictly above `rate`, with at least `minimumRequests` requests.
        case serverErrorRateAbove(Double, minimumRequests: Int64)

        func holds(count: Int64, errors: Int64) -> Bool {
            switch self {
            case .serverErrorRateAbove(let rate, let minimum):
                count >= minimum && count > 0 && Double(errors) / Double(count) > rate
            }
        }
    }

    public var name: String
    public var groupBy: [Dimension]
    public var windowMs: Int64
    public var aggregates: [Aggregate]
    public var having: Having?

    public init(name: String, groupBy: [Dimension], windowMs: Int64, aggregates: [Aggregate], having: Having? = nil) {
        precondition(windowMs > 0 && windowMs <= 7 * 86_400_000, "tumbling windows are 1 ms to 7 days (Azure's bound)")
        precondition(!groupBy.isEmpty && groupBy.count <= 2 && Set(groupBy).count == groupBy.count)
        self.name = name
        self.groupBy = groupBy
        self.windowMs = windowMs
        self.aggregates = aggregates
        self.having = having
    }

    /// Whether the group's latencies must be kept (exact percentiles; averages summed in one order at close).
    public var keepsLatencies: Bool {
        aggregates.contains { if case .count = $0 { false } else if case .serverErrors = $0 { false }
                                else if case .serverErrorRate = $0 { false } else { true } }
    }

    /// Query 1 of the seed: per merchant and endpoint, every 5 minutes.
    public static let apiPerformance = WindowQuery(
        name: "api_performance", groupBy: [.merchant, .endpoint], windowMs: 300_000,
        aggregates: [.count("request_count"), .averageLatency("avg_latency"), .latencyPercentile(0.99, "p99_latency"),
                     .serverErrors("error_count")])

    /// Query 2 of the seed: per merchant, every minute, flagged when more than 5 % of at least `minimumRequests`
    /// requests failed with a 5xx.
    public static func merchantErrors(minimumRequests: Int64 = 1) -> WindowQuery {
        WindowQuery(name: "merchant_errors", groupBy: [.merchant], windowMs: 60_000,
                    aggregates: [.count("total_requests"), .serverErrors("error_count"), .serverErrorRate("error_rate")],
                    having: .serverErrorRateAbove(0.05, minimumRequests: minimumRequests))
    }
}
