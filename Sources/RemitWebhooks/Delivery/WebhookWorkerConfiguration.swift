
/// How a node delivers webhooks (`remit serve` and `remit webhooks work`).
public struct WebhookWorkerConfiguration: Sendable {
    public var schedule: RetrySchedule = .live
    /// Requests in flight on this node, all endpoints together.
    public var maxInFlight = 256
    /// Requests in flight to one endpoint on this node (research webhooks.md §3.5: default 8).
    public var perEndpointInFlight = 8
    /// Rows per claim transaction.
    public var claimBatch = 64
    /// How long a claimed delivery is the worker's; longer than the total timeout, so only dead workers lose it.
    public var lease: Duration = .seconds(90)
    /// The fallback poll when no commit wakes the worker (deliveries due for retry, other nodes' events).
    public var pollInterval: Duration = .milliseconds(250)
    /// Consecutive failures that open an endpoint's breaker, and for how long.
    public var breakerTripAfter = 5
    public var breakerOpenFor: Duration = .seconds(60)
    public var sender = WebhookSenderConfiguration()
    public var health = WebhookHealthPolicy()

    public init() {}
}

/// The seed's alert rules, made precise (research webhooks.md §3.6).
public struct WebhookHealthPolicy: Sendable {
    /// Success rate per endpoint over `window`, with at least `minimumAttempts`; below `threshold` → notify
    /// (again at most every `renotifyAfter` while it lasts).
    public var window: Duration = .seconds(3600)
    public var minimumAttempts = 50
    public var threshold = 0.95
    public var renotifyAfter: Duration = .seconds(86_400)
    /// `deadToDisable` or more dead deliveries and no 2xx over `disableWindow` → the endpoint is disabled.
    public var deadToDisable = 100
    public var disableWindow: Duration = .seconds(3 * 86_400)
    public var checkInterval: Duration = .seconds(60)

    public init() {}
}
