import Hummingbird
import RemitCore
import RemitFraud
import RemitStore

extension ChargesController {
    /// Remit's extension: the fraud check of a charge, with per-feature TreeSHAP contributions and reasons.
    @Sendable func fraudAssessment(_ request: Request, context: APIRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let reader = FormReader(try endpoint.queryForm(request))
        try reader.finish()
        let engine = fraud
        return JSONResponse.ok(try await endpoint.read(context) { ledger in
            guard let record = try await ledger.fraudRecord(chargeID: id) else { throw StripeError.noSuch("charge", id) }
            return try await FraudAssessmentJSON.render(record, engine: engine, ledger: ledger)
        })
    }
}
