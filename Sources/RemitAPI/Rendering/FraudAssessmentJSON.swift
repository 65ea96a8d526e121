import Foundation
import GradientBoosting
import RemitCore
import RemitFraud
import RemitStore

/// `GET /v1/charges/{id}/fraud_assessment`: the stored check with its TreeSHAP explanation: the one kept when a
/// review or block was decided, or one worked out now by the model that scored it, from the vector stored at
/// decision time.
enum FraudAssessmentJSON {
    static func render(_ record: FraudRecord, engine: FraudEngine, ledger: LedgerReader) async throws -> JSONValue {
        var model: FraudModel?
        // The champion's leaf-subset table is built when it goes live; any other model is explained once here, by
        // the recursion, without building one.
        var method = TreeSHAP.Method.recursive
        if record.explanation == nil, let version = record.modelVersion {
            let state = engine.current
            if state.champion?.version == version {
                model = state.champion
                method = .automatic
            } else if state.shadow?.version == version {
                model = state.shadow
            } else if let json = try await ledger.fraudModelJSON(version: version) {
                model = try? FraudModel(version: version, json: Data(json.utf8))
            }
        }
        let features = JSONValue.object(FraudFeature.allCases.map { feature in
            let value = record.vector[feature]
            return (feature.name, value.isNaN ? .null : .double(Double(value)))
        })
        var contributions = JSONValue.null, reasons = JSONValue.array([])
        if let explanation = record.explanation ?? model.map({ FraudExplanation(model: $0, vector: record.vector, method: method) }) {
            contributions = .object(
                FraudFeature.allCases.map { ($0.name, .double(explanation.contributions[$0.rawValue])) }
                    + [("bias", .double(explanation.bias))])
            reasons = .array(explanation.reasons.map { .string($0) })
        }
        let riskScore = record.score.map { JSONValue.int(Int64(($0 * 100).rounded(.down))) } ?? .null
        return .object([
            ("object", .string("fraud_assessment")), ("charge", .string(record.chargeID)), ("created", .int(record.created)),
            ("score", record.score.map(JSONValue.double) ?? .null), ("risk_score", riskScore),
            ("risk_level", .string(record.score == nil ? "not_assessed" : record.decision.riskLevel)),
            ("decision", .string(record.decision.rawValue)), ("applied", .bool(record.applied)),
            ("three_d_secure", .optional(record.threeDSecure)),
            ("model_version", .optional(record.modelVersion)), ("feature_schema", .string(FeatureSchema.current.hash)),
            ("features", features), ("contributions", contributions), ("reasons", reasons),
            ("shadow", record.shadowModelVersion.map { version in
                .object([("model_version", .string(version)), ("score", record.shadowScore.map(JSONValue.double) ?? .null)])
            } ?? .null),
            ("label", .object([
                ("disputed_at", record.disputedAt.map(JSONValue.int) ?? .null),
                ("dispute_reason", .optional(record.disputeReason)),
                ("fraudulent", record.label.map { .bool($0 == 1) } ?? .null),
            ])),
        ])
    }
}
