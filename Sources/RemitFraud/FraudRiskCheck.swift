import Foundation
import RemitCore
import RemitProcessor
import RemitSQL
import RemitStore

/// Flow 4 in the charge's transaction: the key's history as it stands before the charge is written, the
/// 12 features, the model's score and the decision, recorded with the charge (`fraud_features`).
public struct FraudRiskCheck: RiskCheck {
    public let engine: FraudEngine
    let merchantHistory = MerchantHistoryCache()

    public init(engine: FraudEngine) { self.engine = engine }

    public func assess(_ subject: RiskSubject, in scope: RiskScope) async throws -> RiskAssessment {
        let started = ContinuousClock.now
        defer { engine.checkFinished(after: ContinuousClock.now - started) }
        let request = subject.request, card = subject.card, customer = subject.customer
        // One snapshot of the engine for the whole check: references, thresholds and models agree.
        let state = engine.current
        let references = state.references
        var cardCountry: String?
        if !card.isNamedTestInstrument, let country = references.country(ofCardNumberPrefix: card.issuerPrefix) {
            cardCountry = country
        }
        let key = customer.map { "customer:" + $0.id } ?? "card:" + card.card.fingerprint
        var divisor = 1.0
        for _ in 0..<request.currency.exponent { divisor *= 10 }
        let amount = Double(request.amount) / divisor
        var inputs = FeatureInputs(amount: amount)
        let signals = request.signals
        let device = signals.deviceID.flatMap { $0.isEmpty ? nil : $0 }
        let account = scope.accountID, now = scope.now, connection = scope.connection
        try await Self.serialize(key: key, account: account, on: connection)
        try await FraudRows.loadHistory(into: &inputs, account: account, key: key, device: device, now: now, on: connection)
        if let cached = merchantHistory.cached(account, now: now) {
            (inputs.merchantCharges30d, inputs.merchantDisputes30d) = cached
        } else {
            let history = try await FraudRows.merchantHistory(account: account, now: now, on: connection)
            merchantHistory.store(account, now: now, charges: history.charges, disputes: history.disputes)
            (inputs.merchantCharges30d, inputs.merchantDisputes30d) = history
        }
        inputs.cardCountry = cardCountry ?? card.card.country
        inputs.billingCountry = signals.billingCountry ?? customer.flatMap { Self.country(ofAddress: $0.address) }
        inputs.ipCountry = signals.ipAddress.flatMap(references.country(ofIP:))
        if let email = signals.email ?? request.receiptEmail ?? customer?.email {
            inputs.emailDomainAgeDays = references.emailDomainAgeDays(email: email, now: now)
        }
        var assessment = state.assess(FeatureVector(inputs), accountID: account)
        let acts = !card.isNamedTestInstrument && assessment.score != nil
        // Reviews and blocks that act are rare; their reasons are kept with them.
        if acts, assessment.decision != .approve { state.explain(&assessment) }
        let kept = assessment
        let authenticated = card.authentication.authenticated
        var verdict = Self.verdict(assessment.decision)
        var riskLevel = "normal"
        if acts, verdict == .review {
            // The seed's review band asks the customer first when it can (Radar's "request 3D Secure"); a payment
            // the customer authenticated is approved: the challenge was the review.
            if subject.mayRequestAuthentication {
                verdict = .authenticate
            } else if authenticated {
                verdict = .approve
                riskLevel = assessment.decision.riskLevel
            }
        }
        var result = RiskAssessment(verdict: verdict, riskScore: assessment.riskScore, acts: acts,
                                    cardCountry: cardCountry) { chargeID, approved in
            try await FraudRows.insert(
                chargeID: chargeID, account: account, key: key, created: now, amount: amount, approved: approved,
                device: device, assessment: kept, applied: acts, authenticated: authenticated, on: connection)
        }
        result.riskLevel = riskLevel
        return result
    }

    /// The advisory locks' namespace (the first of PostgreSQL's two-key form: never mistaken for the single-key
    /// locks of idempotency keys).
    static let lockNamespace: Int32 = 0x5249_534B

    /// One key's charges are decided one after another: a charge reads the key's history only once every earlier
    /// charge on the key has committed or rolled back, so a burst of concurrent attempts on one card counts each
    /// other as the same burst sent one by one would (card testing cannot slip under the velocity features by
    /// arriving at once). SQLite's single writer already runs them in turn; on PostgreSQL a transaction-scoped
    /// advisory lock on the key does it, taken in its own statement, before the statement that reads the history
    /// takes its snapshot.
    static func serialize(key: String, account: String, on connection: any SQLConnection) async throws {
        guard connection.dialect == .postgres else { return }
        let hash = StableHash.fnv1a(account + "\u{1F}" + key)
        let lockKey = Int32(truncatingIfNeeded: hash ^ (hash >> 32))
        _ = try await connection.queryFirst(.prepared(
            "SELECT pg_advisory_xact_lock(CAST(\(lockNamespace) AS INTEGER), CAST(\(lockKey) AS INTEGER)) IS NULL AS locked"))
    }

    public func disputeOpened(chargeID: String, reason: String, in scope: RiskScope) async throws {
        try await FraudRows.recordDispute(chargeID: chargeID, reason: reason, at: scope.now, on: scope.connection)
    }

    static func verdict(_ decision: FraudDecision) -> RiskAssessment.Verdict {
        switch decision {
        case .approve: .approve
        case .review: .review
        case .block: .block
        }
    }

    static func country(ofAddress text: String?) -> String? {
        guard let text, let data = text.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let country = object["country"] as? String, !country.isEmpty
        else { return nil }
        return country
    }
}
