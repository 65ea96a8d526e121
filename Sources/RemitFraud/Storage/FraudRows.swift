import RemitSQL

/// The statements behind fraud scoring: the point-in-time history of a risk key, the decision record,
/// labels from disputes.
enum FraudRows {
    /// Fills the key's history into `inputs` as it stands before this charge, in one round trip: the key's
    /// last ≤ 100 attempts (newest first, from the covering index), whether the device was seen with the key,
    /// and the disputes filed so far on the key's charges. Windows and counts are taken from those rows.
    static func loadHistory(
        into inputs: inout FeatureInputs, account: String, key: String, device: String?, now: Int64,
        on connection: any SQLConnection
    ) async throws {
        // Read in place from the cursor: a busy key's 100 rows are not materialized per charge.
        var window = FeatureHistoryWindow(now: now)
        var counts: (deviceSeen: Bool, disputes: Int)?
        let recent: SQL = """
            SELECT created, approved, amount_major FROM fraud_features
            WHERE account_id = \(account) AND risk_key = \(key)
            ORDER BY created DESC LIMIT \(FeatureHistoryWindow.attempts)
            """
        let deviceSeen: SQL = """
            (SELECT COUNT(*) FROM (SELECT 1 AS one FROM fraud_features WHERE account_id = \(account)
                AND risk_key = \(key) AND device = \(device ?? "") AND device IS NOT NULL LIMIT 1) d)
            """
        let disputes: SQL = """
            (SELECT COUNT(*) FROM fraud_features WHERE account_id = \(account) AND risk_key = \(key)
                AND disputed_at IS NOT NULL AND disputed_at <= \(now))
            """
        if connection.dialect == .postgres {
            // One round trip: the counts ride on every row.
            let combined: SQL = """
                SELECT h.created, h.approved, h.amount_major, \(sql: deviceSeen) AS device_seen, \(sql: disputes) AS disputes
                FROM (\(sql: recent)) h
                """
            try await connection.scan(combined.prepared()) { row in
                window.add(time: row.int(at: 0), approved: row.int(at: 1) != 0, amount: row.double(at: 2))
                if counts == nil { counts = (row.int(at: 3) > 0, Int(row.int(at: 4))) }
            }
        } else {
            // In process, two statements cost less than one: the wrapped form steps every row through a
            // co-routine (measured in the charge path for a full key: 46 µs, against 36 µs plus under 2 µs).
            try await connection.scan(recent) { row in
                window.add(time: row.int(at: 0), approved: row.int(at: 1) != 0, amount: row.double(at: 2))
            }
            if window.latest != nil {
                try await connection.scan("SELECT \(sql: deviceSeen), \(sql: disputes)") { row in
                    counts = (row.int(at: 0) > 0, Int(row.int(at: 1)))
                }
            }
        }
        window.apply(to: &inputs)
        if let counts {
            if device != nil { inputs.deviceSeenBefore = counts.deviceSeen }
            inputs.keyDisputes = counts.disputes
        } else if device != nil {
            inputs.deviceSeenBefore = false
        }
    }

    /// The stored vectors of charges created in `since ..< until`, oldest first, with their label (true for a
    /// fraud dispute): the training data of export and retraining.
    static func labelledVectors(since: Int64, until: Int64, on database: any SQLDatabase) async throws
        -> [(vector: FeatureVector, fraud: Bool)]
    {
        try await database.read { connection in
            try await connection.query("""
                SELECT vector, label FROM fraud_features WHERE created >= \(since) AND created < \(until)
                ORDER BY created, charge_id
                """).compactMap { row in
                FeatureVector(json: row.string("vector")).map { ($0, row.optionalInt("label") == 1) }
            }
        }
    }

    /// The merchant's charges and disputes over 30 days.
    static func merchantHistory(account: String, now: Int64, on connection: any SQLConnection) async throws -> (charges: Int, disputes: Int) {
        let since = now - FeatureHistoryWindow.month
        let row = try await connection.queryFirst(.prepared("""
            SELECT (SELECT COUNT(*) FROM fraud_features WHERE account_id = \(account) AND created > \(since)) AS charges,
                (SELECT COUNT(*) FROM disputes WHERE account_id = \(account) AND created > \(since)) AS disputes
            """))
        return (Int(row?.int("charges") ?? 0), Int(row?.int("disputes") ?? 0))
    }

    static func insert(
        chargeID: String, account: String, key: String, created: Int64, amount: Double, approved: Bool,
        device: String?, assessment: FraudAssessment, applied: Bool, authenticated: Bool,
        on connection: any SQLConnection
    ) async throws {
        try await connection.execute(.prepared("""
            INSERT INTO fraud_features (charge_id, account_id, risk_key, created, amount_major, approved, device, vector,
                score, model_version, decision, applied, shadow_score, shadow_model_version, explanation, three_d_secure)
            VALUES (\(chargeID), \(account), \(key), \(created), \(amount), \(approved), \(device),
                \(assessment.vector.json), \(assessment.score), \(assessment.modelVersion),
                \(assessment.decision.rawValue), \(applied), \(assessment.shadowScore), \(assessment.shadowModelVersion),
                \(assessment.explanation?.storageText), \(authenticated ? "authenticated" : nil))
            """))
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
