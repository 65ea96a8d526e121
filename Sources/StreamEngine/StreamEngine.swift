/// The window engine of one partition of the request log: per source of events (the live API, or one import) its
/// watermark, its open windows for every query, and the error-rate alert of the query that has one. Pure: no I/O,
/// no clock (the caller passes arrival times and heartbeats), so it is tested and benchmarked on its own.
public struct StreamEngine: Sendable {
    /// One source's state. Live traffic is one source; each import is another, judged against its own watermark.
    public struct Source: Sendable {
        public var name: String
        public var watermark = WatermarkTracker()
        public var windows: [TumblingWindows]
        public var alerts: ErrorRateAlertRule?
    }

    public struct Counters: Sendable, Equatable {
        public var admitted: Int64 = 0
        public var late: Int64 = 0
        public var outOfOrder: Int64 = 0
        public var dropped: Int64 = 0

        public init() {}
    }

    public let queries: [WindowQuery]
    public let policy: EventTimePolicy
    /// The query whose flagged rows drive the alert rule, if any.
    public let alertQuery: Int?
    public var interner = KeyInterner()
    public private(set) var sources: [Source] = []
    private var sourceIndex: [String: Int] = [:]
    public private(set) var counters = Counters()

    public init(queries: [WindowQuery], policy: EventTimePolicy, alertQuery: String? = nil) {
        precondition(Set(queries.map(\.name)).count == queries.count, "query names are unique")
        self.queries = queries
        self.policy = policy
        self.alertQuery = alertQuery.flatMap { name in queries.firstIndex { $0.name == name } }
        precondition(alertQuery == nil || self.alertQuery.map { queries[$0].groupBy == [.merchant] } == true,
                     "the alert rule reads a per-merchant query")
    }

    /// The index of a source, created on first use.
    public mutating func source(_ name: String) -> Int {
        if let index = sourceIndex[name] { return index }
        sources.append(Source(name: name, windows: queries.map(TumblingWindows.init(query:)),
                              alerts: alertQuery.map { ErrorRateAlertRule(windowMs: queries[$0].windowMs) }))
        sourceIndex[name] = sources.count - 1
        return sources.count - 1
    }

    /// Admits one event and adds it to every query's window. `arrival` is nil for history.
    @inline(__always)
    @discardableResult
    public mutating func process(source: Int, eventTime: Int64, arrival: Int64?, merchant: UInt32, endpoint: UInt32,
                                 statusCode: Int32, latency: Double) -> WatermarkTracker.Admission {
        let admission = sources[source].watermark.admit(eventTime: eventTime, arrival: arrival, policy: policy)
        switch admission {
        case .onTime: counters.admitted += 1
        case .late: counters.admitted += 1; counters.late += 1
        case .outOfOrder: counters.admitted += 1; counters.outOfOrder += 1
        case .dropped: counters.dropped += 1
        }
        guard let time = admission.time else { return admission }
        for query in sources[source].windows.indices {
            sources[source].windows[query].add(time: time, merchant: merchant, endpoint: endpoint, statusCode: statusCode,
                                               latency: latency, policy: policy)
        }
        return admission
    }

    public mutating func heartbeat(source: Int, floor: Int64) { sources[source].watermark.heartbeat(floor: floor) }

    public mutating func end(source: Int) { sources[source].watermark.end() }

    /// Closes every window its source's watermark has passed: the rows (per source in window order) and the alert
    /// transitions they cause.
    public mutating func closeReady() -> (rows: [WindowRow], transitions: [(source: String, transition: ErrorRateAlertRule.Transition)]) {
        var rows: [WindowRow] = []
        var transitions: [(source: String, transition: ErrorRateAlertRule.Transition)] = []
        for index in sources.indices {
            let watermark = sources[index].watermark.watermark
            for query in sources[index].windows.indices {
                let name = sources[index].name
                let closed = sources[index].windows[query].close(watermark: watermark, policy: policy, interner: interner)
                    .map { row -> WindowRow in
                        var row = row
                        row.source = name
                        return row
                    }
                if query == alertQuery, sources[index].alerts != nil {
                    for row in closed.sorted(by: { $0.windowEnd < $1.windowEnd }) {
                        let requests = row.integer(0)
                        let errors = queries[query].aggregates.firstIndex { if case .serverErrors = $0 { true } else { false } }
                            .map { row.integer($0) } ?? 0
                        if let transition = sources[index].alerts!.observe(
                            merchant: row.keys[0] ?? "", windowEnd: row.windowEnd, breach: row.flagged,
                            errorRate: requests == 0 ? 0 : Double(errors) / Double(requests), requests: requests) {
                            transitions.append((name, transition))
                        }
                    }
                    transitions += sources[index].alerts!.advance(closedThrough: watermark, policy: policy).map { (name, $0) }
                }
                rows += closed
            }
        }
        return (rows, transitions)
    }

    /// A group's part of a window, made durable at a checkpoint: keyed by strings, since interned ids are not kept.
    public struct DurableDelta: Sendable, Equatable {
        public var source: String
        public var query: String
        public var windowEnd: Int64
        public var merchant: String?
        public var endpoint: String?
        public var delta: GroupAccumulator.Delta

        public init(source: String, query: String, windowEnd: Int64, merchant: String?, endpoint: String?,
                    delta: GroupAccumulator.Delta) {
            self.source = source
            self.query = query
            self.windowEnd = windowEnd
            self.merchant = merchant
            self.endpoint = endpoint
            self.delta = delta
        }
    }

    /// Deltas of every open window since the last call, to make durable.
    public mutating func takeDeltas() -> [DurableDelta] {
        var result: [DurableDelta] = []
        for index in sources.indices {
            for query in sources[index].windows.indices {
                for item in sources[index].windows[query].takeDeltas() {
                    result.append(DurableDelta(
                        source: sources[index].name, query: queries[query].name, windowEnd: item.windowEnd,
                        merchant: interner.string(UInt32(truncatingIfNeeded: item.group >> 32)),
                        endpoint: interner.string(UInt32(truncatingIfNeeded: item.group)), delta: item.delta))
                }
            }
        }
        return result
    }

    /// Puts back durable state: a source's watermark and alert states, then its deltas.
    public mutating func restore(source name: String, watermark: WatermarkTracker, alerts: ErrorRateAlertRule?) {
        let index = source(name)
        sources[index].watermark = watermark
        if let alerts { sources[index].alerts = alerts }
    }

    public mutating func restore(_ durable: DurableDelta) {
        let index = source(durable.source)
        guard let position = queries.firstIndex(where: { $0.name == durable.query }) else { return }
        let group = sources[index].windows[position].key(merchant: interner.id(durable.merchant),
                                                         endpoint: interner.id(durable.endpoint))
        sources[index].windows[position].restore(windowEnd: durable.windowEnd, group: group, delta: durable.delta)
    }

    /// Whether a source has state here.
    public func hasSource(_ name: String) -> Bool { sourceIndex[name] != nil }

    /// The index of an existing source.
    public func existingSource(_ name: String) -> Int? { sourceIndex[name] }

    /// Forgets a source with nothing left open (an import whose windows all closed).
    public mutating func removeFinishedSources() -> [String] {
        let finished = sources.filter { source in
            source.watermark.ended && source.windows.allSatisfy { $0.openWindows == 0 }
        }.map(\.name)
        guard !finished.isEmpty else { return [] }
        sources.removeAll { finished.contains($0.name) }
        sourceIndex = Dictionary(uniqueKeysWithValues: sources.enumerated().map { ($0.element.name, $0.offset) })
        return finished
    }
}
