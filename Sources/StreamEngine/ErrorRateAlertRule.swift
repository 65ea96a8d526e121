/// The seed's "error rate > 5 % for 2 consecutive windows", made precise (research data.md §5.4), per merchant:
/// OK → FIRING at the close of the second of two *adjacent* breaching windows → stays FIRING while windows keep
/// breaching, without notifying again → RESOLVED at the first closed window that does not breach. A window with no
/// traffic produces no row, is no breach, and resets the streak (so it resolves a firing alert too).
public struct ErrorRateAlertRule: Sendable, Equatable, Codable {
    public enum Transition: Sendable, Equatable {
        /// Fired at the close of `windowEnd`; the streak began with the window that ended at `firstBreachEnd`.
        case fired(merchant: String, firstBreachEnd: Int64, windowEnd: Int64, errorRate: Double, requests: Int64)
        case resolved(merchant: String, firstBreachEnd: Int64, windowEnd: Int64)
    }

    struct MerchantState: Sendable, Equatable, Codable {
        var lastWindowEnd: Int64
        var lastBreached: Bool
        /// The first window of the current breach streak.
        var streakStart: Int64?
        var firing: Bool
    }

    public let windowMs: Int64
    private var merchants: [String: MerchantState] = [:]

    public init(windowMs: Int64) {
        precondition(windowMs > 0)
        self.windowMs = windowMs
    }

    /// Merchants whose alert is firing.
    public var firing: [String] { merchants.filter(\.value.firing).map(\.key).sorted() }

    /// Takes the closed windows of one merchant query in window order (`breach` from its HAVING).
    public mutating func observe(merchant: String, windowEnd: Int64, breach: Bool, errorRate: Double,
                                 requests: Int64) -> Transition? {
        var transition: Transition?
        var state = merchants[merchant] ?? MerchantState(lastWindowEnd: windowEnd - windowMs, lastBreached: false,
                                                         streakStart: nil, firing: false)
        // A gap of windows with no traffic before this one ends any streak.
        if windowEnd - state.lastWindowEnd > windowMs {
            transition = reset(merchant, &state, at: state.lastWindowEnd + windowMs)
        }
        if breach {
            if state.lastBreached, let start = state.streakStart {
                if !state.firing {
                    state.firing = true
                    transition = .fired(merchant: merchant, firstBreachEnd: start, windowEnd: windowEnd, errorRate: errorRate,
                                        requests: requests)
                }
            } else {
                state.streakStart = windowEnd
            }
            state.lastBreached = true
        } else {
            if let resolved = reset(merchant, &state, at: windowEnd) { transition = resolved }
        }
        state.lastWindowEnd = windowEnd
        merchants[merchant] = state
        return transition
    }

    /// The watermark has closed windows with no row for some merchants: those are zero-traffic windows.
    public mutating func advance(closedThrough watermark: Int64, policy: EventTimePolicy) -> [Transition] {
        var transitions: [Transition] = []
        for merchant in merchants.keys.sorted() {
            var state = merchants[merchant]!
            let next = state.lastWindowEnd + windowMs
            guard policy.isClosed(windowEnd: next, watermark: watermark) else { continue }
            if let transition = reset(merchant, &state, at: next) { transitions.append(transition) }
            // Nothing left to remember about a quiet merchant.
            if state.streakStart == nil && !state.firing { merchants[merchant] = nil } else { merchants[merchant] = state }
        }
        return transitions
    }

    private func reset(_ merchant: String, _ state: inout MerchantState, at windowEnd: Int64) -> Transition? {
        defer {
            state.lastBreached = false
            state.streakStart = nil
            state.firing = false
        }
        guard state.firing, let start = state.streakStart else { return nil }
        return .resolved(merchant: merchant, firstBreachEnd: start, windowEnd: windowEnd)
    }
}
