import Foundation
import HTTPTypes
import Hummingbird
import RemitAlerts
import RemitCore
import RemitStore

/// The hosted 3-D Secure challenge (`next_action` leads here): `GET /3ds/{intent}/{token}` shows two forms, with the
/// button ids of Stripe's test page (`test-source-authorize-3ds`, `test-source-fail-3ds`); `POST` completes or fails
/// the authentication and sends the customer back to the `return_url` with `payment_intent`,
/// `payment_intent_client_secret` and `redirect_status` (research/payment-intents.md §1.4). No JavaScript; no API
/// key: the token in the path is the credential.
struct AuthenticationPageController {
    let ledger: Ledger
    let metrics: APIMetrics
    let alerts: AlertQueue?
    static let pathPrefix = "/3ds/"

    func register(on router: Router<APIRequestContext>) {
        router.get("/3ds/:intent/:token", use: page)
        router.post("/3ds/:intent/:token", use: answer)
    }

    @Sendable func page(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (intentID, token) = try Self.ids(context)
        guard let owner = try await ledger.authenticationOwner(token: token, intentID: intentID),
              let subject = try await ledger.reading(accountID: owner.accountID, { reader in
                  try await reader.pendingAuthentication(token, intentID: intentID)
              })
        else { return Self.html(status: .notFound, Self.closedPage) }
        let what = switch subject {
        case .payment(let intent): "a payment of <strong>\(intent.currency.format(intent.amount))</strong>"
        case .setup: "saving a card for later payments"
        }
        return Self.html(status: .ok, """
            <h1>3D Secure authentication</h1>
            <p>Remit test authentication of \(what) (\(intentID)).</p>
            <form method="post"><input type="hidden" name="result" value="complete">
            <button id="test-source-authorize-3ds" type="submit">Complete authentication</button></form>
            <form method="post"><input type="hidden" name="result" value="fail">
            <button id="test-source-fail-3ds" type="submit">Fail authentication</button></form>
            """)
    }

    @Sendable func answer(_ request: Request, context: APIRequestContext) async throws -> Response {
        let (intentID, token) = try Self.ids(context)
        let form = try await Endpoint(ledger: ledger).bodyForm(request, context: context)
        var reader = FormReader(form)
        let result = try reader.choice("result", ["complete", "fail"])
        try reader.finish()
        guard let result else { throw StripeError.missing("result") }
        guard var owner = try await ledger.authenticationOwner(token: token, intentID: intentID) else {
            return Self.html(status: .notFound, Self.closedPage)
        }
        owner.requestID = context.requestID
        let (metrics, alerts, clock, logger) = (self.metrics, self.alerts, ledger.clock, context.logger)
        let completed: LedgerTransaction.AuthenticationResult
        do {
            completed = try await ledger.perform(owner) { transaction in
                let done = try await transaction.completeAuthentication(token, intentID: intentID,
                                                                        succeeded: result == "complete")
                if let charge = done.charge {
                    ChargesController.reportOutcome(of: charge, after: transaction, metrics: metrics, alerts: alerts,
                                                    clock: clock, logger: logger)
                }
                return done
            }
        } catch let error as StripeError where error.param == "intent" {
            return Self.html(status: .conflict, Self.closedPage)
        }
        let status = completed.succeeded ? "succeeded" : "failed"
        guard let returnURL = completed.returnURL, var components = URLComponents(string: returnURL) else {
            return Self.html(status: .ok, "<h1>Authentication \(status)</h1><p>You can close this window.</p>")
        }
        components.queryItems = (components.queryItems ?? []) + [
            URLQueryItem(name: completed.intentParameter, value: completed.intentID),
            URLQueryItem(name: completed.intentParameter + "_client_secret", value: completed.clientSecret),
            URLQueryItem(name: "redirect_status", value: status),
        ]
        return Response(status: .found, headers: [.location: components.string ?? returnURL])
    }

    static let closedPage = "<h1>This authentication is closed</h1><p>It was completed, abandoned or has expired.</p>"

    static func ids(_ context: APIRequestContext) throws -> (intent: String, token: String) {
        (try context.parameters.require("intent"), try context.parameters.require("token"))
    }

    static func html(status: HTTPResponse.Status, _ body: String) -> Response {
        let page = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Remit 3D Secure</title></head>
            <body>\(body)</body></html>
            """
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                        body: .init(byteBuffer: .init(string: page)))
    }
}
