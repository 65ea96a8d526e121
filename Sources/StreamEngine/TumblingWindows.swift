/// The open tumbling windows of one query (aligned to the epoch): events go into the window of their admitted time,
/// and windows the watermark has passed close into rows. Each window holds one accumulator per group.
public struct TumblingWindows: Sendable {
    struct Window: Sendable {
        var positions: [UInt64: Int] = [:]
        var keys: [UInt64] = []
        var groups: [GroupAccumulator] = []
    }

    public let query: WindowQuery
    let keepsLatencies: Bool
    let groupsByMerchant: Bool
    let groupsByEndpoint: Bool
    private(set) var windows: [Int64: Window] = [:]

    public init(query: WindowQuery) {
        self.query = query
        keepsLatencies = query.keepsLatencies
        groupsByMerchant = query.groupBy.contains(.merchant)
        groupsByEndpoint = query.groupBy.contains(.endpoint)
    }

    /// How many windows are open.
    public var openWindows: Int { windows.count }

    /// The group key of an event: its merchant and endpoint ids, those the query groups by.
    @inline(__always)
    func key(merchant: UInt32, endpoint: UInt32) -> UInt64 {
        (groupsByMerchant ? UInt64(merchant) << 32 : 0) | (groupsByEndpoint ? UInt64(endpoint) : 0)
    }

    /// Adds an admitted event.
    @inline(__always)
    public mutating func add(time: Int64, merchant: UInt32, endpoint: UInt32, statusCode: Int32, latency: Double,
                             policy: EventTimePolicy) {
        let end = policy.windowEnd(of: time, size: query.windowMs)
        let group = key(merchant: merchant, endpoint: endpoint)
        let keep = keepsLatencies
        update(end, group) { $0.add(statusCode: statusCode, latency: latency, keepLatency: keep) }
    }

    @inline(__always)
    mutating func update(_ end: Int64, _ group: UInt64, _ change: (inout GroupAccumulator) -> Void) {
        windows[end, default: Window()].withGroup(group, change)
    }

    /// Closes every window the watermark has passed: its rows, windows in end order, groups in key order.
    public mutating func close(watermark: Int64, policy: EventTimePolicy, interner: KeyInterner) -> [WindowRow] {
        let closing = windows.keys.filter { policy.isClosed(windowEnd: $0, watermark: watermark) }.sorted()
        var rows: [WindowRow] = []
        for end in closing {
            guard let window = windows.removeValue(forKey: end) else { continue }
            var order = Array(window.keys.indices)
            let names = window.keys.map { key in
                (merchant: interner.string(UInt32(truncatingIfNeeded: key >> 32)) ?? "",
                 endpoint: interner.string(UInt32(truncatingIfNeeded: key)) ?? "")
            }
            order.sort { (names[$0].merchant, names[$0].endpoint) < (names[$1].merchant, names[$1].endpoint) }
            for index in order {
                var group = window.groups[index]
                let key = window.keys[index]
                let keys = query.groupBy.map { dimension -> String? in
                    switch dimension {
                    case .merchant: interner.string(UInt32(truncatingIfNeeded: key >> 32))
                    case .endpoint: interner.string(UInt32(truncatingIfNeeded: key))
                    }
                }
                rows.append(row(end, keys, &group))
            }
        }
        return rows
    }

    func row(_ end: Int64, _ keys: [String?], _ group: inout GroupAccumulator) -> WindowRow {
        let count = group.count
        let errors = group.serverErrors
        var latencies = group.latencies
        // Summed in arrival order, once, at close: the same figure whether or not the state was restored.
        let sum = keepsLatencies ? latencies.reduce(0, +) : group.latencySum
        let values = query.aggregates.map { aggregate -> WindowRow.Value in
            switch aggregate {
            case .count: .integer(count)
            case .serverErrors: .integer(errors)
            case .serverErrorRate: .real(count == 0 ? nil : Double(errors) / Double(count))
            case .averageLatency: .real(count == 0 ? nil : sum / Double(count))
            case .latencyPercentile(let p, _): .real(PercentileCont.of(p, &latencies))
            }
        }
        return WindowRow(query: query.name, windowEnd: end, keys: keys, values: values,
                         flagged: query.having?.holds(count: count, errors: errors) ?? false)
    }

    /// What changed in the open windows since the last call (to make it durable); marks it durable.
    public mutating func takeDeltas() -> [(windowEnd: Int64, group: UInt64, delta: GroupAccumulator.Delta)] {
        var result: [(windowEnd: Int64, group: UInt64, delta: GroupAccumulator.Delta)] = []
        for end in windows.keys.sorted() {
            windows[end]!.forEachGroup { key, group in
                let delta = group.delta
                if !delta.isEmpty { result.append((end, key, delta)) }
                group.markDurable()
            }
        }
        return result
    }

    /// Puts back a delta read from durable state.
    public mutating func restore(windowEnd: Int64, group: UInt64, delta: GroupAccumulator.Delta) {
        update(windowEnd, group) { $0.restore(delta) }
    }
}

extension TumblingWindows.Window {
    @inline(__always)
    mutating func withGroup(_ key: UInt64, _ change: (inout GroupAccumulator) -> Void) {
        if let position = positions[key] {
            change(&groups[position])
        } else {
            positions[key] = groups.count
            keys.append(key)
            groups.append(GroupAccumulator())
            change(&groups[groups.count - 1])
        }
    }

    mutating func forEachGroup(_ body: (UInt64, inout GroupAccumulator) -> Void) {
        for index in groups.indices { body(keys[index], &groups[index]) }
    }
}
