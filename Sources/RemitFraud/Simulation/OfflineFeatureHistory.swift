/// The store's point-in-time history queries, answered from memory for a simulated stream processed in time
/// order: the same windows, caps and missing-value rules as the live SQL (`FraudRows.loadHistory`), feeding the
/// same ``FeatureVector/init(_:)``. Disputes count from the moment they are filed, never earlier.
public struct OfflineFeatureHistory {
    static let month = FeatureHistoryWindow.month

    private struct KeyHistory {
        var times: [Int64] = []
        var amounts: [Double] = []
        var devices: Set<String> = []
        var disputeTimes: [Int64] = []
    }

    private var keys: [String: KeyHistory] = [:]
    private var merchantCharges: [Int: [Int64]] = [:]
    private var merchantDisputes: [Int: [Int64]] = [:]

    public init() {}

    /// Registers the future disputes of the whole stream up front; each counts only once `time >= filed`.
    public mutating func registerDisputes(_ charges: [SimulatedCharge]) {
        for charge in charges {
            guard let filed = charge.disputedAt else { continue }
            keys[charge.key, default: KeyHistory()].disputeTimes.append(filed)
            merchantDisputes[charge.merchant, default: []].append(filed)
        }
        for key in keys.keys { keys[key]!.disputeTimes.sort() }
        for merchant in merchantDisputes.keys { merchantDisputes[merchant]!.sort() }
    }

    /// The features of `charge` from everything before it, then records it.
    public mutating func vector(for charge: SimulatedCharge) -> FeatureVector {
        let t = charge.time
        var inputs = FeatureInputs(amount: charge.amount)
        let history = keys[charge.key] ?? KeyHistory()
        var window = FeatureHistoryWindow(now: t)
        var index = history.times.count - 1
        while index >= 0, history.times.count - index <= FeatureHistoryWindow.attempts {
            window.add(time: history.times[index], approved: true, amount: history.amounts[index])
            index -= 1
        }
        window.apply(to: &inputs)
        if let device = charge.device { inputs.deviceSeenBefore = history.devices.contains(device) }
        inputs.keyDisputes = Self.countAtOrBefore(history.disputeTimes, t)
        let charges = merchantCharges[charge.merchant] ?? []
        inputs.merchantCharges30d = Self.countAfter(charges, t - Self.month)
        let disputes = merchantDisputes[charge.merchant] ?? []
        inputs.merchantDisputes30d = Self.countAtOrBefore(disputes, t) - Self.countAtOrBefore(disputes, t - Self.month)
        inputs.cardCountry = charge.cardCountry
        inputs.billingCountry = charge.billingCountry
        inputs.ipCountry = charge.ipCountry
        inputs.emailDomainAgeDays = charge.emailDomainAgeDays

        var updated = history
        updated.times.append(t)
        updated.amounts.append(charge.amount)
        if let device = charge.device { updated.devices.insert(device) }
        keys[charge.key] = updated
        merchantCharges[charge.merchant, default: []].append(t)
        return FeatureVector(inputs)
    }

    /// Elements of an ascending list strictly greater than `bound`.
    static func countAfter(_ sorted: [Int64], _ bound: Int64) -> Int { sorted.count - upperBound(sorted, bound) }

    static func countAtOrBefore(_ sorted: [Int64], _ bound: Int64) -> Int { upperBound(sorted, bound) }

    static func upperBound(_ sorted: [Int64], _ value: Int64) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
