import Synchronization

/// The fraud check's live state, shared by every request: the champion and shadow models, the thresholds
/// and the reference tables. Swapped atomically when an operator promotes a model or loads a table.
public final class FraudEngine: Sendable {
    public struct State: Sendable {
        public var champion: FraudModel?
        public var shadow: FraudModel?
        public var policy: FraudPolicy = .standard
        /// Per-merchant thresholds (account id → policy).
        public var merchantPolicies: [String: FraudPolicy] = [:]
        public var references = ReferenceData()

        public init() {}
    }

    private let state: Mutex<State>
    /// A closure kept in a class: read back out of a `Mutex` directly, a stored closure was re-wrapped in a
    /// reabstraction thunk on every read, so each call went through one more layer than the last (perf showed
    /// the charge path slowing down over a run).
    private final class CheckObserver: Sendable {
        let callback: @Sendable (Duration) -> Void
        init(_ callback: @escaping @Sendable (Duration) -> Void) { self.callback = callback }
    }

    private let checkObserver = Mutex<CheckObserver?>(nil)

    public init(_ state: State = State()) { self.state = Mutex(state) }

    /// Called with the duration of every fraud check in the charge path (features from the store + scoring).
    public func observeChecks(_ observer: @escaping @Sendable (Duration) -> Void) {
        checkObserver.withLock { $0 = CheckObserver(observer) }
    }

    public func checkFinished(after duration: Duration) {
        checkObserver.withLock { $0 }?.callback(duration)
    }

    public var current: State { state.withLock { $0 } }

    public func update(_ change: (inout State) -> Void) { state.withLock { change(&$0) } }

    /// Scores a vector with the champion (and the shadow, whose decision is only recorded).
    public func assess(_ vector: FeatureVector, accountID: String) -> FraudAssessment {
        current.assess(vector, accountID: accountID)
    }
}

extension FraudEngine.State {
    /// Scores a vector with the champion (and the shadow, whose decision is only recorded), under the merchant's
    /// thresholds or the global ones.
    public func assess(_ vector: FeatureVector, accountID: String) -> FraudAssessment {
        let policy = merchantPolicies[accountID] ?? self.policy
        var assessment = FraudAssessment(vector: vector, score: nil, modelVersion: nil, decision: .approve)
        if let champion {
            let score = champion.score(vector)
            assessment.score = score
            assessment.modelVersion = champion.version
            assessment.decision = policy.decide(score: score)
        }
        if let shadow {
            assessment.shadowScore = shadow.score(vector)
            assessment.shadowModelVersion = shadow.version
        }
        return assessment
    }

    /// Works out the reasons of a decision with the champion that made it.
    public func explain(_ assessment: inout FraudAssessment) {
        guard let champion, champion.version == assessment.modelVersion else { return }
        assessment.explanation = FraudExplanation(model: champion, vector: assessment.vector)
    }
}
