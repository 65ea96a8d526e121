import RemitSQL

/// Every migration of the ledger, in order. Append only: a shipped migration never changes.
public enum LedgerMigrations {
    public static let all: [Migration] = [
        Migration0001Ledger.migration,
        Migration0002Disputes.migration,
        Migration0003Billing.migration,
        Migration0004InlinePayloads.migration,
        Migration0005Fraud.migration,
        Migration0006Webhooks.migration,
        Migration0007WebhookNotify.migration,
        Migration0008FXRates.migration,
        Migration0009CaptureClock.migration,
        Migration0010StreamSources.migration,
        Migration0011Retention.migration,
        Migration0012MoneyOnce.migration,
        Migration0013Keys.migration,
        Migration0014PaymentMethods.migration,
        Migration0015PaymentIntents.migration,
        Migration0016ThreeDSecure.migration,
        Migration0017SetupIntents.migration,
        Migration0018Tokens.migration,
        Migration0019RadarAuthentication.migration,
        Migration0020PublishableKeys.migration,
        Migration0021CustomerSources.migration,
        Migration0022AccountAPIVersions.migration,
        Migration0023EventRenderings.migration,
        Migration0024DisputeAndReviewIntents.migration,
        Migration0025RememberedCardOptions.migration,
    ]
}
