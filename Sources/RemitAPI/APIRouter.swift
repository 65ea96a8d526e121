import Hummingbird
import Prometheus
import RemitAlerts
import RemitCore
import RemitFraud
import RemitStore

/// Builds the router of the whole API: middleware, every controller, health and metrics.
public enum APIRouter {
    public static func build(ledger: Ledger, fraud: FraudEngine, metrics: APIMetrics, requestLog: APILogBuffer,
                             rateLimiter: RateLimiter? = nil, alerts: AlertQueue? = nil,
                             adminReports: [String: AdminReport] = [:]) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        let keyCache = KeyCache()
        router.add(middleware: APIMiddleware(
            authenticator: Authenticator(ledger: ledger, cache: keyCache), rateLimiter: rateLimiter, metrics: metrics,
            requestLog: requestLog,
            clock: ledger.clock, ids: ledger.ids))
        let endpoint = Endpoint(ledger: ledger)
        AccountsController(endpoint: endpoint, ledger: ledger).register(on: router)
        APIKeysController(endpoint: endpoint, cache: keyCache).register(on: router)
        CustomersController(endpoint: endpoint).register(on: router)
        PaymentMethodsController(endpoint: endpoint).register(on: router)
        CustomerSourcesController(endpoint: endpoint).register(on: router)
        PaymentIntentsController(endpoint: endpoint, metrics: metrics, alerts: alerts).register(on: router)
        SetupIntentsController(endpoint: endpoint).register(on: router)
        TokensController(endpoint: endpoint).register(on: router)
        AuthenticationPageController(ledger: ledger, metrics: metrics, alerts: alerts).register(on: router)
        ChargesController(endpoint: endpoint, metrics: metrics, alerts: alerts, fraud: fraud).register(on: router)
        RefundsController(endpoint: endpoint).register(on: router)
        BalanceController(endpoint: endpoint, ledger: ledger).register(on: router)
        DisputesController(endpoint: endpoint).register(on: router)
        ReviewsController(endpoint: endpoint).register(on: router)
        BillingController(endpoint: endpoint).register(on: router)
        EventsController(endpoint: endpoint).register(on: router)
        WebhookEndpointsController(endpoint: endpoint).register(on: router)
        AdminController(reports: adminReports).register(on: router)
        router.get("/healthz") { _, _ in
            JSONResponse.ok(.object([("status", .string("ok"))]))
        }
        router.get("/openapi.json") { _, _ in
            JSONResponse.make(status: 200, body: OpenAPIDocument.rendered)
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: .init(string: metrics.registry.emitToString())))
        }
        return router
    }
}
