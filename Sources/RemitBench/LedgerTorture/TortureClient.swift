import GradientBoosting

/// One client of the ledger torture: each step picks an operation and a target from its own seeded generator.
struct TortureClient {
    let index: Int
    var generator: SeededGenerator
    let pool: TorturePool
    let transport: any TortureTransport
    let hotObjects: Int
    private(set) var observations: [TortureObservation] = []
    /// This client's writes, for idempotent retries.
    private var writes: [(kind: TortureObservation.Kind, target: String, request: TortureRequest)] = []
    private var counter = 0

    init(index: Int, generator: SeededGenerator, pool: TorturePool, transport: any TortureTransport, hotObjects: Int) {
        self.index = index
        self.generator = generator
        self.pool = pool
        self.transport = transport
        self.hotObjects = hotObjects
    }

    mutating func step() async throws {
        let roll = generator.next() % 100
        switch roll {
        case 0..<22: await write(.refund)
        case 22..<34: await write(.capture)
        case 34..<44: await write(.disputeSubmit)
        case 44..<50: await write(.disputeUpdate)
        case 50..<56: await write(.disputeClose)
        case 56..<64: await write(.reviewApprove)
        case 64..<70: await newCharge()
        case 70..<84: await retry()
        case 84..<94: await racingDuplicate()
        default: await read()
        }
    }

    // MARK: Operations

    private mutating func write(_ kind: TortureObservation.Kind) async {
        guard let (target, request) = makeRequest(kind) else { return }
        writes.append((kind, target, request))
        observations.append(await send(kind, target, request))
    }

    /// The same request twice at once, under one idempotency key: one executes, the other waits its turn (409) or
    /// replays it.
    private mutating func racingDuplicate() async {
        let kinds: [TortureObservation.Kind] = [.refund, .capture, .disputeSubmit, .disputeClose, .reviewApprove]
        let kind = kinds[Int(generator.next() % UInt64(kinds.count))]
        guard let (target, request) = makeRequest(kind) else { return }
        writes.append((kind, target, request))
        let transport = self.transport
        async let first = Self.send(kind, target, request, transport)
        async let second = Self.send(kind, target, request, transport)
        observations += await [first, second]
    }

    /// Resends one of this client's earlier writes with its key: a 200 must replay byte for byte; an error was not
    /// saved, so the request runs again.
    private mutating func retry() async {
        guard !writes.isEmpty else { return await write(.refund) }
        let earlier = writes[Int(generator.next() % UInt64(writes.count))]
        observations.append(await send(earlier.kind, earlier.target, earlier.request))
    }

    private mutating func newCharge() async {
        let merchant = Int(generator.next() % UInt64(pool.merchantKeys.count))
        let (source, capture, amount) = TorturePool.setUpCharges[Int(generator.next() % UInt64(TorturePool.setUpCharges.count))]
        let key = nextKey()
        do {
            let made = try await TorturePool.createCharge(merchant: merchant, key: pool.merchantKeys[merchant], source: source,
                                                          capture: capture, amount: amount, idempotencyKey: key,
                                                          transport: transport)
            pool.add(made.entry)
            observations.append(TortureObservation(kind: .charge, target: made.entry.id, request: made.request,
                                                   response: made.response))
        } catch {
            observations.append(TortureObservation(
                kind: .charge, target: "", request: TortureRequest(method: .post, path: "/v1/charges", key: ""),
                response: TortureResponse(status: 0, body: "\(error)", replayed: false)))
        }
    }

    private mutating func read() async {
        guard let charge = pick(.all) else { return }
        let request = TortureRequest(method: .get, path: "/v1/charges/\(charge.id)", key: pool.merchantKeys[charge.merchant])
        observations.append(await send(.read, charge.id, request))
    }

    // MARK: Requests

    /// A request of `kind` on a target chosen mostly among the hot objects; nil when there is no such target.
    private mutating func makeRequest(_ kind: TortureObservation.Kind) -> (String, TortureRequest)? {
        switch kind {
        case .refund:
            guard let charge = pick(.all) else { return nil }
            var parameters = [("charge", charge.id)]
            switch generator.next() % 3 {
            case 0: parameters.append(("amount", String(100 + Int64(generator.next() % 900))))
            case 1: parameters.append(("amount", String(charge.amount)))
            default: break
            }
            return (charge.id, post("/v1/refunds", parameters, charge))
        case .capture:
            guard let charge = pick(.uncapturedAtCreation) else { return nil }
            let amounts: [String?] = [nil, String(charge.amount / 2), String(charge.amount)]
            let amount = amounts[Int(generator.next() % 3)]
            return (charge.id, post("/v1/charges/\(charge.id)/capture", amount.map { [("amount", $0)] } ?? [], charge))
        case .disputeSubmit, .disputeUpdate:
            guard let charge = pick(.disputed), let dispute = charge.dispute else { return nil }
            let text = generator.next() % 5 < 3 ? "winning_evidence" : "losing_evidence"
            var parameters = [("evidence[uncategorized_text]", kind == .disputeUpdate ? "notes \(counter)" : text)]
            if kind == .disputeSubmit { parameters.append(("submit", "true")) }
            return (dispute, post("/v1/disputes/\(dispute)", parameters, charge))
        case .disputeClose:
            guard let charge = pick(.disputed), let dispute = charge.dispute else { return nil }
            return (dispute, post("/v1/disputes/\(dispute)/close", [], charge))
        case .reviewApprove:
            guard let charge = pick(.reviewed), let review = charge.review else { return nil }
            return (review, post("/v1/reviews/\(review)/approve", [], charge))
        case .charge, .read:
            return nil
        }
    }

    private mutating func post(_ path: String, _ parameters: [(String, String)], _ charge: TorturePool.ChargeEntry)
        -> TortureRequest
    {
        TortureRequest(method: .post, path: path, parameters: parameters, key: pool.merchantKeys[charge.merchant],
                       idempotencyKey: nextKey())
    }

    private mutating func nextKey() -> String {
        counter += 1
        return "torture-c\(index)-\(counter)"
    }

    /// Mostly (7 in 10) one of the newest few charges of `subset`, else any.
    private mutating func pick(_ subset: TorturePool.Subset) -> TorturePool.ChargeEntry? {
        let hot = generator.next() % 10 < 7
        return pool.pick(subset, hot: hot, hotObjects: hotObjects, roll: generator.next())
    }

    private func send(_ kind: TortureObservation.Kind, _ target: String, _ request: TortureRequest) async
        -> TortureObservation
    {
        await Self.send(kind, target, request, transport)
    }

    private static func send(_ kind: TortureObservation.Kind, _ target: String, _ request: TortureRequest,
                             _ transport: any TortureTransport) async -> TortureObservation {
        do {
            return TortureObservation(kind: kind, target: target, request: request, response: try await transport.send(request))
        } catch {
            return TortureObservation(kind: kind, target: target, request: request,
                                      response: TortureResponse(status: 0, body: "transport: \(error)", replayed: false))
        }
    }
}
