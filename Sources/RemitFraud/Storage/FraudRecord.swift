import RemitCore
import RemitSQL
import RemitStore

/// The stored fraud check of one charge (`fraud_features`).
public struct FraudRecord: Sendable {
    public var chargeID: String
    public var created: Int64
    public var vector: FeatureVector
    public var score: Double?
    public var modelVersion: String?
    public var decision: FraudDecision
    /// Whether the decision acted on the charge (false for Stripe's named test instruments).
    public var applied: Bool
    public var shadowScore: Double?
    public var shadowModelVersion: String?
    public var disputedAt: Int64?
    public var disputeReason: String?
    public var label: Int64?
    /// Stored for reviews and blocks when they were decided.
    public var explanation: FraudExplanation?
    /// `authenticated` when the customer completed a 3-D Secure challenge for the payment scored.
    public var threeDSecure: String?

    init(row: SQLRow) {
        chargeID = row.string("charge_id")
        created = row.int("created")
        vector = FeatureVector(json: row.string("vector")) ?? FeatureVector(values: Array(repeating: .nan, count: FraudFeature.allCases.count))
        score = row.optionalDouble("score")
        modelVersion = row.optionalString("model_version")
        decision = FraudDecision(rawValue: row.string("decision")) ?? .approve
        applied = row.bool("applied")
        shadowScore = row.optionalDouble("shadow_score")
        shadowModelVersion = row.optionalString("shadow_model_version")
        disputedAt = row.optionalInt("disputed_at")
        disputeReason = row.optionalString("dispute_reason")
        label = row.optionalInt("label")
        explanation = row.optionalString("explanation").flatMap(FraudExplanation.init(storageText:))
        threeDSecure = row.optionalString("three_d_secure")
    }
}

extension LedgerReader {
    public func fraudRecord(chargeID: String) async throws -> FraudRecord? {
        try await connection.queryFirst(
            "SELECT * FROM fraud_features WHERE charge_id = \(chargeID) AND account_id = \(accountID)"
        ).map(FraudRecord.init(row:))
    }

    /// A registered model's JSON, by version.
    public func fraudModelJSON(version: String) async throws -> String? {
        try await connection.queryFirst("SELECT model_json FROM fraud_models WHERE version = \(version)")?
            .string("model_json")
    }
}
