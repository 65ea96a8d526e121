import Foundation
import Logging
import RemitServices
import RemitCore
import RemitStore
import ServiceLifecycle
import Synchronization

/// Delivers webhooks: the one background worker of flow 5 on a node (`remit serve`, `remit webhooks work`).
///
/// - The dispatcher claims due deliveries in short transactions (leased to this worker), as many as this
///   node may hold, and starts one task per delivery. It wakes on this node's commits of events with
///   deliveries, and polls every `pollInterval` for the rest (retries that fall due, other nodes' events).
/// - Each task signs and POSTs; the per-endpoint gate caps requests in flight and trips the breaker.
/// - Outcomes go to a buffer that one writer commits in batches (fenced by the lease).
/// - A reaper returns leases that ran out (a worker that died) to the queue.
/// On graceful shutdown it stops claiming, lets requests in flight finish, and writes their outcomes.
public final class WebhookDeliveryService: Service {
    let queue: WebhookQueue
    let directory: WebhookDirectory
    let sender: WebhookSender
    let configuration: WebhookWorkerConfiguration
    let clock: WallClock
    let ready: Readiness
    let metrics: WebhookMetrics
    let logger: Logger
    let jitter: @Sendable () -> Double
    /// This worker's lease identity.
    public let owner: String
    let gate: DeliveryGate
    private let state = Mutex(State())
    private let outcomesWaiting = WakeSignal()

    struct State {
        var held = 0
        var ready: [ClaimedDelivery] = []
        var releases: [(ClaimedDelivery, UnixMilliseconds)] = []
        var holds: [(String, UnixMilliseconds)] = []
        var outcomes: [DeliveryCompletion] = []
        var stopping = false
        var sendsDone = false
    }

    public init(queue: WebhookQueue, directory: WebhookDirectory, configuration: WebhookWorkerConfiguration, clock: WallClock,
         ready: Readiness, metrics: WebhookMetrics, logger: Logger,
         jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.queue = queue
        self.directory = directory
        self.configuration = configuration
        self.clock = clock
        self.ready = ready
        self.metrics = metrics
        self.logger = logger
        self.jitter = jitter
        self.sender = WebhookSender(configuration: configuration.sender, now: { clock.now() })
        self.owner = NodeIdentity.worker("webhooks-" + UUID().uuidString.prefix(8))
        self.gate = DeliveryGate(cap: configuration.perEndpointInFlight, tripAfter: configuration.breakerTripAfter,
                                 openFor: configuration.breakerOpenFor)
    }

    public func run() async throws {
        guard await cancelWhenGracefulShutdown({ await self.ready.wait() }) else {
            try await sender.shutdown()
            return
        }
        logger.info("webhook worker started", metadata: [
            "worker": "\(owner)", "schedule": "\(configuration.schedule)",
            "per_endpoint_in_flight": "\(configuration.perEndpointInFlight)",
        ])
        await withTaskGroup(of: Void.self) { background in
            background.addTask { await self.reapLoop() }
            background.addTask { await self.directoryLoop() }
            background.addTask { await self.listenLoop() }
            async let writer: Void = self.writeLoop()
            await withGracefulShutdownHandler {
                await withDiscardingTaskGroup { sends in
                    await self.dispatch(into: &sends)
                }
            } onGracefulShutdown: {
                self.state.withLock { $0.stopping = true }
                self.directory.notifyDeliveries()
            }
            // Every send has ended: the writer commits the last outcomes and returns.
            state.withLock { $0.sendsDone = true }
            outcomesWaiting.signal()
            await writer
            background.cancelAll()
        }
        try? await sender.shutdown()
        logger.info("webhook worker stopped", metadata: ["worker": "\(owner)"])
    }

    // MARK: Dispatch

    /// Due work behind busy endpoints is skipped by claims; a fruitless claim is repeated at most this often
    /// unless the set of busy endpoints changed (each repeat scans past that work).
    static let rescanAfter: Duration = .milliseconds(20)

    private func dispatch(into sends: inout DiscardingTaskGroup) async {
        // An empty claim that skipped busy endpoints: the same claim is not rescanned for a short while.
        var lastFruitless: (excluded: [String], at: ContinuousClock.Instant)?
        while !Task.isCancelled {
            let (startable, releases, holds, stopping, held) = state.withLock { state in
                defer {
                    state.ready = []
                    state.releases = []
                    state.holds = []
                }
                return (state.ready, state.releases, state.holds, state.stopping, state.held)
            }
            for delivery in startable { start(delivery, in: &sends) }
            if !releases.isEmpty { await release(releases) }
            for (endpoint, until) in holds {
                do {
                    try await queue.hold(endpointID: endpoint, until: until)
                } catch {
                    logger.warning("webhook breaker hold not written", metadata: ["error": "\(error)"])
                }
            }
            if stopping { return }
            let free = configuration.maxInFlight - held
            if free > 0 {
                let now = clock.unixMilliseconds()
                let excluded = gate.excluded(now: now).sorted()
                if let last = lastFruitless, last.excluded == excluded, ContinuousClock.now - last.at < Self.rescanAfter {
                    await directory.waitForDeliveries(upTo: Self.rescanAfter - (ContinuousClock.now - last.at))
                    continue
                }
                do {
                    let claimed = try await queue.claim(
                        owner: owner, limit: min(configuration.claimBatch, free),
                        defaultPerEndpoint: configuration.perEndpointInFlight, excluded: excluded,
                        now: now, lease: configuration.lease)
                    lastFruitless = claimed.isEmpty && !excluded.isEmpty ? (excluded, ContinuousClock.now) : nil
                    if !claimed.isEmpty {
                        let admission = gate.admit(claimed, now: now)
                        let total = state.withLock { state in
                            state.held += claimed.count
                            return state.held
                        }
                        metrics.held(total)
                        for delivery in admission.start { start(delivery, in: &sends) }
                        if !admission.release.isEmpty {
                            await release(admission.release.map { ($0, admission.releaseUntil) })
                        }
                        if claimed.count == min(configuration.claimBatch, free) { continue }
                    }
                } catch {
                    if Task.isCancelled { return }
                    logger.warning("webhook claim failed", metadata: ["error": "\(error)"])
                }
            }
            await directory.waitForDeliveries(upTo: configuration.pollInterval)
        }
    }

    private func start(_ delivery: ClaimedDelivery, in sends: inout DiscardingTaskGroup) {
        sends.addTask { await self.attempt(delivery) }
    }

    private func release(_ releases: [(ClaimedDelivery, UnixMilliseconds)]) async {
        let until = releases.map(\.1).max() ?? clock.unixMilliseconds()
        do {
            try await queue.release(releases.map(\.0), owner: owner, until: until)
        } catch {
            // Their leases run out and the reaper returns them: nothing is lost.
            logger.warning("webhook release failed", metadata: ["error": "\(error)"])
        }
        let total = state.withLock { state in
            state.held -= releases.count
            return state.held
        }
        metrics.held(total)
    }

    // MARK: One attempt

    /// Attempts a delivery, then the next ones the gate admits for the same endpoint, in this task.
    private func attempt(_ first: ClaimedDelivery) async {
        var next: ClaimedDelivery? = first
        while let delivery = next {
            let admission = await attemptOnce(delivery)
            next = admission.start.first
            let wake = admission.start.count > 1 || !admission.release.isEmpty || admission.roomOpened
            state.withLock { state in
                state.held -= 1
                state.ready += admission.start.dropFirst()
                state.releases += admission.release.map { ($0, admission.releaseUntil) }
                if let endpoint = admission.tripped { state.holds.append((endpoint, admission.releaseUntil)) }
            }
            outcomesWaiting.signal()
            if wake { directory.notifyDeliveries() }
        }
    }

    private func attemptOnce(_ delivery: ClaimedDelivery) async -> DeliveryGate.Admission {
        let started = clock.unixMilliseconds()
        let result = await sender.send(WebhookRequest(
            url: delivery.url, eventID: delivery.eventID, body: Array(delivery.payload.utf8), secrets: delivery.secrets))
        let now = clock.unixMilliseconds()
        let next = nextStep(for: delivery, result: result, now: now)
        metrics.attempt(succeeded: result.succeeded, errorKind: result.errorKind,
                        duration: .milliseconds(result.durationMilliseconds),
                        firstAttemptLatency: delivery.attempt == 1 ? .milliseconds(max(0, (started - delivery.created).wholeMilliseconds)) : nil)
        metrics.delivery(dead: next == .dead)
        if !result.succeeded {
            logger.debug("webhook attempt failed", metadata: [
                "event": "\(delivery.eventID)", "endpoint": "\(delivery.endpointID)", "attempt": "\(delivery.attempt)",
                "error": "\(result.errorKind ?? "")", "status": "\(result.httpStatus.map(String.init) ?? "-")",
            ])
        }
        state.withLock { state in
            state.outcomes.append(DeliveryCompletion(delivery: delivery, started: started, result: result, next: next))
        }
        return gate.finish(delivery, succeeded: result.succeeded, now: now)
    }

    /// Success; a retry per the schedule (and `Retry-After`); or dead. A resend is tried once.
    func nextStep(for delivery: ClaimedDelivery, result: WebhookAttemptResult, now: UnixMilliseconds) -> DeliveryCompletion.Next {
        if result.succeeded { return .succeeded }
        if delivery.manual { return .dead }
        guard let delay = configuration.schedule.delay(afterAttempts: delivery.attempt, jitter: jitter(),
                                                       retryAfter: result.retryAfter) else { return .dead }
        return .retry(at: now + delay)
    }

    // MARK: Background loops

    /// Commits outcomes in batches: whatever accumulated while the previous batch was being written. It ends when
    /// every send has ended, even once cancelled: each send's outcome and the end of the sends signal it, so a
    /// cancelled writer waits for those signals instead of spinning on a timeout that no longer waits.
    private func writeLoop() async {
        while true {
            if Task.isCancelled { await outcomesWaiting.waitForSignal() } else { await outcomesWaiting.wait(upTo: .seconds(1)) }
            let (batch, done) = state.withLock { state in
                defer { state.outcomes = [] }
                return (state.outcomes, state.sendsDone)
            }
            if !batch.isEmpty { await write(batch) }
            if done && state.withLock({ $0.outcomes.isEmpty }) { return }
        }
    }

    private func write(_ batch: [DeliveryCompletion]) async {
        var delay = Duration.milliseconds(50)
        for _ in 0..<8 {
            do {
                let applied = try await queue.complete(batch, owner: owner, now: clock.unixMilliseconds())
                if applied < batch.count {
                    logger.warning("webhook outcomes arrived after their lease ran out",
                                   metadata: ["lost_leases": "\(batch.count - applied)"])
                }
                return
            } catch {
                logger.warning("webhook outcomes not written yet", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: delay)
                delay *= 2
            }
        }
        // The leases run out and the deliveries are attempted again: at-least-once.
        logger.error("webhook outcomes dropped; their deliveries will be retried", metadata: ["count": "\(batch.count)"])
    }

    private func reapLoop() async {
        while !Task.isCancelled {
            do {
                let reaped = try await queue.reapExpiredLeases(now: clock.unixMilliseconds())
                if reaped > 0 {
                    logger.notice("expired webhook leases returned to the queue", metadata: ["count": "\(reaped)"])
                    directory.notifyDeliveries()
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("webhook reaper failed", metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: min(.seconds(15), configuration.lease / 2)) } catch { return }
        }
    }

    /// Other nodes' commits wake this worker through the store (PostgreSQL `LISTEN`); the poll stays as a fallback.
    private func listenLoop() async {
        let directory = self.directory
        while !Task.isCancelled {
            do {
                try await queue.listenForDeliveries { directory.notifyDeliveries() }
                return
            } catch {
                if Task.isCancelled { return }
                logger.warning("webhook notifications lost; listening again", metadata: ["error": "\(error)"])
                do { try await Task.sleep(for: .seconds(1)) } catch { return }
            }
        }
    }

    private func directoryLoop() async {
        while !Task.isCancelled {
            do {
                directory.replace(accounts: try await queue.accountsWithEndpoints())
                let open = gate.snapshot(now: clock.unixMilliseconds()).filter { $0.breaker == .open }.count
                metrics.breakers(open: open)
            } catch {
                if Task.isCancelled { return }
            }
            do { try await Task.sleep(for: .seconds(5)) } catch { return }
        }
    }

    /// In flight and breaker state per endpoint on this node.
    public func endpointStates() -> [(endpoint: String, inFlight: Int, waiting: Int, breaker: String)] {
        gate.snapshot(now: clock.unixMilliseconds()).map { ($0.endpoint, $0.inFlight, $0.waiting, $0.breaker.rawValue) }
    }
}
