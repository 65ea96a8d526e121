import RemitCore
import RemitStore
import Synchronization

/// Per-endpoint admission on one node: at most `cap` requests in flight to an endpoint (so a dead endpoint
/// with 30 s timeouts pins only its own slots), and a circuit breaker for endpoints that keep failing.
///
/// Breaker: after `tripAfter` consecutive failures the endpoint is open for `openFor`; claims skip it and
/// deliveries already claimed for it are released unburned. Then one probe goes (half-open): a success
/// closes the breaker, a failure opens it again.
final class DeliveryGate: Sendable {
    enum Breaker: String, Sendable { case closed, open, halfOpen = "half_open" }

    struct Endpoint {
        var active = 0
        var waiting: [ClaimedDelivery] = []
        var consecutiveFailures = 0
        var openUntil: UnixMilliseconds?
        var probing = false
    }

    struct Admission {
        var start: [ClaimedDelivery] = []
        var release: [ClaimedDelivery] = []
        var releaseUntil = UnixMilliseconds(0)
        /// The endpoint's breaker just opened: its queued deliveries are held until `releaseUntil`.
        var tripped: String?
        /// The endpoint went down to its cap on hand: worth claiming more for it.
        var roomOpened = false
    }

    let cap: Int
    let tripAfter: Int
    let openFor: Duration
    private let endpoints = Mutex<[String: Endpoint]>([:])

    init(cap: Int, tripAfter: Int, openFor: Duration) {
        self.cap = cap
        self.tripAfter = tripAfter
        self.openFor = openFor
    }

    /// Endpoints a claim must skip now: breaker open, or twice the cap on hand (the cap in flight and as many
    /// claimed and waiting: the next claim's latency is hidden behind them).
    func excluded(now: UnixMilliseconds) -> [String] {
        endpoints.withLock { endpoints in
            endpoints.compactMap { id, endpoint in
                if let until = endpoint.openUntil, now < until { return id }
                return endpoint.active + endpoint.waiting.count >= 2 * cap || endpoint.probing ? id : nil
            }
        }
    }

    /// Takes claimed deliveries: those that may be sent now, those to hand back (breaker open).
    func admit(_ deliveries: [ClaimedDelivery], now: UnixMilliseconds) -> Admission {
        endpoints.withLock { endpoints in
            var admission = Admission()
            for delivery in deliveries {
                var endpoint = endpoints[delivery.endpointID, default: Endpoint()]
                if let until = endpoint.openUntil, now < until {
                    admission.release.append(delivery)
                    admission.releaseUntil = max(admission.releaseUntil, until)
                } else if endpoint.openUntil != nil {
                    // Half-open: one probe, the rest wait for its outcome.
                    if endpoint.active == 0 && !endpoint.probing {
                        endpoint.probing = true
                        endpoint.active += 1
                        admission.start.append(delivery)
                    } else {
                        endpoint.waiting.append(delivery)
                    }
                } else if endpoint.active < cap {
                    endpoint.active += 1
                    admission.start.append(delivery)
                } else {
                    endpoint.waiting.append(delivery)
                }
                endpoints[delivery.endpointID] = endpoint
            }
            return admission
        }
    }

    /// Records an attempt's end; returns what may start now, and what to release if the breaker opened.
    func finish(_ delivery: ClaimedDelivery, succeeded: Bool, now: UnixMilliseconds) -> Admission {
        endpoints.withLock { endpoints in
            var endpoint = endpoints[delivery.endpointID, default: Endpoint()]
            var admission = Admission()
            endpoint.active -= 1
            let wasProbe = endpoint.probing
            endpoint.probing = false
            if succeeded {
                endpoint.consecutiveFailures = 0
                endpoint.openUntil = nil
            } else {
                endpoint.consecutiveFailures += 1
                if wasProbe || endpoint.consecutiveFailures >= tripAfter {
                    let until = now + openFor
                    endpoint.openUntil = until
                    admission.release = endpoint.waiting
                    admission.releaseUntil = until
                    admission.tripped = delivery.endpointID
                    endpoint.waiting = []
                }
            }
            if endpoint.openUntil == nil {
                while endpoint.active < cap, !endpoint.waiting.isEmpty {
                    endpoint.active += 1
                    admission.start.append(endpoint.waiting.removeFirst())
                }
            }
            let held = endpoint.active + endpoint.waiting.count
            admission.roomOpened = endpoint.openUntil == nil && (held == cap || held == 0)
            if endpoint.active == 0, endpoint.waiting.isEmpty, endpoint.openUntil == nil, endpoint.consecutiveFailures == 0 {
                endpoints[delivery.endpointID] = nil
            } else {
                endpoints[delivery.endpointID] = endpoint
            }
            return admission
        }
    }

    /// In flight and breaker state per endpoint (for `/admin/webhooks/stats` and metrics).
    func snapshot(now: UnixMilliseconds) -> [(endpoint: String, inFlight: Int, waiting: Int, breaker: Breaker)] {
        endpoints.withLock { endpoints in
            endpoints.map { id, endpoint in
                let breaker: Breaker = if let until = endpoint.openUntil { now < until ? .open : .halfOpen } else { .closed }
                return (id, endpoint.active, endpoint.waiting.count, breaker)
            }.sorted { $0.endpoint < $1.endpoint }
        }
    }
}
