import Foundation
import RemitCore
import RemitSQL

// Decoding of stored rows into objects. Columns are named as in Migration0001Ledger.

extension Account {
    public init(row: SQLRow) {
        self.init(
            id: row.string("id"), created: row.int("created"), isPlatform: row.bool("is_platform"),
            type: row.string("type"), country: row.string("country"), email: row.optionalString("email"),
            defaultCurrency: Currency(row.string("default_currency")) ?? .usd,
            businessProfile: row.string("business_profile"), metadata: Metadata(storageText: row.string("metadata")),
            livemode: row.bool("livemode"))
    }
}

extension Customer {
    public init(row: SQLRow) {
        self.init(
            id: row.string("id"), accountID: row.string("account_id"), created: row.int("created"),
            email: row.optionalString("email"), name: row.optionalString("name"),
            description: row.optionalString("description"), phone: row.optionalString("phone"),
            address: row.optionalString("address"), defaultPaymentMethod: row.optionalString("default_payment_method"),
            defaultSource: row.optionalString("default_source"),
            balance: row.int("balance"), metadata: Metadata(storageText: row.string("metadata")),
            deleted: row.bool("deleted"), livemode: row.bool("livemode"))
    }
}

extension Card {
    /// The card of a row that stores one in `card_brand`, `card_last4`, … (charges, PaymentMethods, tokens).
    init(cardColumnsOf row: SQLRow) {
        self.init(
            brand: row.string("card_brand"), last4: row.string("card_last4"), expMonth: row.int("card_exp_month"),
            expYear: row.int("card_exp_year"), funding: row.string("card_funding"),
            country: row.string("card_country"), fingerprint: row.string("card_fingerprint"))
    }
}

extension Charge {
    public init(row: SQLRow) {
        let card = Card(cardColumnsOf: row)
        let outcome = Outcome(
            type: row.string("outcome_type"), networkStatus: row.string("outcome_network_status"),
            riskLevel: row.string("outcome_risk_level"), riskScore: row.int("outcome_risk_score"),
            reason: row.optionalString("outcome_reason"), sellerMessage: row.string("outcome_seller_message"))
        self.init(
            id: row.string("id"), accountID: row.string("account_id"), created: row.int("created"),
            amount: row.int("amount"), amountCaptured: row.int("amount_captured"),
            amountRefunded: row.int("amount_refunded"), currency: Currency(row.string("currency")) ?? .usd,
            captured: row.bool("captured"), paid: row.bool("paid"), refunded: row.bool("refunded"),
            disputed: row.bool("disputed"), status: ChargeStatus(rawValue: row.string("status")) ?? .failed, customerID: row.optionalString("customer_id"),
            description: row.optionalString("description"), receiptEmail: row.optionalString("receipt_email"),
            statementDescriptor: row.optionalString("statement_descriptor"),
            paymentMethodID: row.string("payment_method_id"), card: card,
            failureCode: row.optionalString("failure_code"), failureMessage: row.optionalString("failure_message"),
            declineCode: row.optionalString("decline_code"), outcome: outcome,
            balanceTransactionID: row.optionalString("balance_transaction_id"),
            fundsAvailableImmediately: row.bool("funds_available_immediately"),
            metadata: Metadata(storageText: row.string("metadata")), livemode: row.bool("livemode"))
        reviewID = row.optionalString("review_id")
        paymentIntentID = row.optionalString("payment_intent_id")
        threeDSecureResult = row.optionalString("three_d_secure")
    }
}

extension Review {
    public init(row: SQLRow) {
        self.init(
            id: row.string("id"), accountID: row.string("account_id"), chargeID: row.string("charge_id"),
            created: row.int("created"), open: row.bool("open"), reason: row.string("reason"),
            openedReason: row.string("opened_reason"), closedReason: row.optionalString("closed_reason"),
            ipAddress: row.optionalString("ip_address"), livemode: row.bool("livemode"))
        paymentIntentID = row.optionalString("payment_intent_id")
    }
}

extension Refund {
    public init(row: SQLRow) {
        self.init(
            id: row.string("id"), accountID: row.string("account_id"), created: row.int("created"),
            chargeID: row.string("charge_id"), amount: row.int("amount"),
            currency: Currency(row.string("currency")) ?? .usd, status: RefundStatus(rawValue: row.string("status")) ?? .succeeded,
            reason: row.optionalString("reason"), balanceTransactionID: row.optionalString("balance_transaction_id"),
            metadata: Metadata(storageText: row.string("metadata")), livemode: row.bool("livemode"))
        paymentIntentID = row.optionalString("payment_intent_id")
    }
}

extension BalanceTransaction {
    public init(row: SQLRow) {
        self.init(
            id: row.string("id"), accountID: row.string("account_id"), created: row.int("created"),
            amount: row.int("amount"), currency: Currency(row.string("currency")) ?? .usd, fee: row.int("fee"),
            type: row.string("type"), reportingCategory: row.string("reporting_category"),
            sourceID: row.string("source_id"), availableOn: row.int("available_on"),
            description: row.optionalString("description"), livemode: row.bool("livemode"))
        precondition(net == row.int("net"), "stored net of \(id) differs from amount - fee")
    }
}

extension Dispute {
    public init(row: SQLRow) {
        self.init(
            id: row.string("id"), accountID: row.string("account_id"), created: row.int("created"),
            chargeID: row.string("charge_id"), amount: row.int("amount"),
            currency: Currency(row.string("currency")) ?? .usd, reason: row.string("reason"),
            status: DisputeStatus(rawValue: row.string("status")) ?? .needsResponse, evidence: row.string("evidence"),
            submissionCount: row.int("submission_count"), dueBy: row.int("due_by"),
            metadata: Metadata(storageText: row.string("metadata")), livemode: row.bool("livemode"))
        paymentIntentID = row.optionalString("payment_intent_id")
    }
}

extension Product {
    public init(row: SQLRow) {
        self.init(
            id: row.string("id"), accountID: row.string("account_id"), created: row.int("created"),
            updated: row.int("updated"), name: row.string("name"), description: row.optionalString("description"),
            active: row.bool("active"), defaultPriceID: row.optionalString("default_price_id"),
            metadata: Metadata(storageText: row.string("metadata")), livemode: row.bool("livemode"))
    }
}

extension Price {
    public init(row: SQLRow) {
        self.init(
            id: row.string("id"), accountID: row.string("account_id"), created: row.int("created"),
            productID: row.string("product_id"), currency: Currency(row.string("currency")) ?? .usd,
            unitAmount: row.int("unit_amount"), interval: row.optionalString("recurring_interval").flatMap(Interval.init),
            intervalCount: row.int("recurring_interval_count"), active: row.bool("active"),
            nickname: row.optionalString("nickname"), metadata: Metadata(storageText: row.string("metadata")),
            livemode: row.bool("livemode"))
    }
}

extension Subscription {
    public init(row: SQLRow) {
        self.init(
            id: row.string("id"), accountID: row.string("account_id"), created: row.int("created"),
            customerID: row.string("customer_id"),
            status: SubscriptionStatus(rawValue: row.string("status")) ?? .incomplete,
            items: Subscription.items(fromText: row.string("items")), currency: Currency(row.string("currency")) ?? .usd,
            defaultPaymentMethod: row.optionalString("default_payment_method"),
            currentPeriodStart: row.int("current_period_start"), currentPeriodEnd: row.int("current_period_end"),
            cancelAtPeriodEnd: row.bool("cancel_at_period_end"), canceledAt: row.optionalInt("canceled_at"),
            endedAt: row.optionalInt("ended_at"), latestChargeID: row.optionalString("latest_charge_id"),
            metadata: Metadata(storageText: row.string("metadata")), livemode: row.bool("livemode"))
    }
}
