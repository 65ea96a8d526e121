import Logging
import RemitServices
import RemitStore
import ServiceLifecycle

/// Cancels the PaymentIntents whose card authorization lapsed (seven days uncaptured), hourly, as Stripe does.
public struct AuthorizationExpiry: Service {
    public static let interval: Duration = .seconds(3600)
    let ledger: Ledger
    let ready: Readiness
    let logger: Logger

    public init(ledger: Ledger, ready: Readiness, logger: Logger) {
        self.ledger = ledger
        self.ready = ready
        self.logger = logger
    }

    public func run() async throws {
        let (ledger, logger) = (self.ledger, self.logger)
        await PeriodicWork("authorization expiry", every: Self.interval).run(ready: ready, logger: logger) {
            let expired = try await ledger.expireAuthorizations()
            if expired > 0 { logger.info("expired uncaptured payment intents", metadata: ["count": "\(expired)"]) }
        }
    }
}
