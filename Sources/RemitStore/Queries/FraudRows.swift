import RemitFraud
import RemitSQL

/// The statements behind fraud scoring: the point-in-time history of a risk key, the decision record,
/// labels from disputes.
enum FraudRows {
    /// Counts are capped so a very busy key costs a bounded index scan per charge.
    static let historyCap = 100

    /// Fills the key's history into `inputs` as it stands before this charge, in one round trip.
    static func loadHistory(
        into inputs: inout FeatureInputs, account: String, key: String, device: String?, now: Int64,
        on connection: any SQLConnection
    ) async throws {
        let cap = historyCap
        let row = try await connection.queryFirst("""
            SELECT h.c AS hour_count, d.c AS day_count, r.c AS recent_count, r.s AS recent_sum, r.q AS recent_squares,
                l.created AS last_created, v.c AS device_seen, x.c AS disputes
            FROM (SELECT COUNT(*) AS c FROM (SELECT 1 AS one FROM fraud_features WHERE account_id = \(account)
                    AND risk_key = \(key) AND created > \(now - 3_600) LIMIT \(cap)) t1) h,
                (SELECT COUNT(*) AS c FROM (SELECT 1 AS one FROM fraud_features WHERE account_id = \(account)
                    AND risk_key = \(key) AND created > \(now - 86_400) LIMIT \(cap)) t2) d,
                (SELECT COUNT(*) AS c, SUM(a) AS s, SUM(a * a) AS q FROM (SELECT amount_major AS a FROM fraud_features
                    WHERE account_id = \(account) AND risk_key = \(key) AND created > \(now - 30 * 86_400)
                    AND approved = 1 ORDER BY created DESC LIMIT \(cap)) t3) r,
                (SELECT MAX(created) AS created FROM fraud_features WHERE account_id = \(account) AND risk_key = \(key)) l,
                (SELECT COUNT(*) AS c FROM (SELECT 1 AS one FROM fraud_features WHERE account_id = \(account)
                    AND risk_key = \(key) AND device = \(device ?? "") AND device IS NOT NULL LIMIT 1) t4) v,
                (SELECT COUNT(*) AS c FROM fraud_features WHERE account_id = \(account) AND risk_key = \(key)
                    AND disputed_at IS NOT NULL AND disputed_at <= \(now)) x
            """)
        guard let row else { return }
        inputs.attemptsLastHour = Int(row.int("hour_count"))
        inputs.attemptsLastDay = Int(row.int("day_count"))
        inputs.recentApprovedCount = Int(row.int("recent_count"))
        if inputs.recentApprovedCount > 0 {
            inputs.recentApprovedSum = row.double("recent_sum")
            inputs.recentApprovedSumOfSquares = row.double("recent_squares")
        }
        if let last = row.optionalInt("last_created") {
            inputs.hasEarlierAttempt = true
            inputs.secondsSinceLastAttempt = Double(max(0, now - last))
        }
        if device != nil { inputs.deviceSeenBefore = row.int("device_seen") > 0 }
        inputs.keyDisputes = Int(row.int("disputes"))
    }

    /// The merchant's charges and disputes over 30 days.
    static func merchantHistory(account: String, now: Int64, on connection: any SQLConnection) async throws -> (charges: Int, disputes: Int) {
        let since = now - 30 * 86_400
        let row = try await connection.queryFirst("""
            SELECT (SELECT COUNT(*) FROM fraud_features WHERE account_id = \(account) AND created > \(since)) AS charges,
                (SELECT COUNT(*) FROM disputes WHERE account_id = \(account) AND created > \(since)) AS disputes
            """)
        return (Int(row?.int("charges") ?? 0), Int(row?.int("disputes") ?? 0))
    }

    static func insert(
        chargeID: String, account: String, key: String, created: Int64, amount: Double, approved: Bool,
        device: String?, assessment: FraudAssessment, applied: Bool, on connection: any SQLConnection
    ) async throws {
        try await connection.execute("""
            INSERT INTO fraud_features (charge_id, account_id, risk_key, created, amount_major, approved, device, vector,
                score, model_version, decision, applied, shadow_score, shadow_model_version)
            VALUES (\(chargeID), \(account), \(key), \(created), \(amount), \(approved), \(device),
                \(assessment.vector.json), \(assessment.score), \(assessment.modelVersion),
                \(assessment.decision.rawValue), \(applied), \(assessment.shadowScore), \(assessment.shadowModelVersion))
            """)
    }

    /// A dispute labels the charge's vector: reason `fraudulent` is fraud (1); other reasons record the dispute
    /// without calling it fraud.
    static func recordDispute(chargeID: String, reason: String, at time: Int64, on connection: any SQLConnection) async throws {
        try await connection.execute("""
            UPDATE fraud_features SET disputed_at = COALESCE(disputed_at, \(time)), dispute_reason = \(reason),
                label = \(reason == "fraudulent" ? 1 : 0)
            WHERE charge_id = \(chargeID)
            """)
    }
}
