import RemitCore
import RemitSQL

/// Reads of one account's objects. Another account's object reads as missing, never as forbidden.
public struct LedgerReader: Sendable {
    /// The read's connection: a flow's own reads (its tables) run on it, in the same snapshot.
    package let connection: any SQLConnection
    public let accountID: String
    public let now: Int64

    public func charge(_ id: String) async throws -> Charge? {
        try await ChargeRows.find(id, account: accountID, on: connection)
    }

    public func customer(_ id: String) async throws -> Customer? {
        try await connection.queryFirst(
            "SELECT * FROM customers WHERE id = \(id) AND account_id = \(accountID)"
        ).map(Customer.init(row:))
    }

    public func paymentMethod(_ id: String) async throws -> PaymentMethod? {
        try await PaymentMethodRows.find(id, account: accountID, on: connection)
    }

    public func paymentIntent(_ id: String) async throws -> PaymentIntent? {
        try await PaymentIntentRows.find(id, account: accountID, on: connection)
    }

    public func setupIntent(_ id: String) async throws -> SetupIntent? {
        try await SetupIntentRows.find(id, account: accountID, on: connection)
    }

    public func token(_ id: String) async throws -> Token? {
        try await TokenRows.find(id, account: accountID, on: connection)
    }

    /// True when the customer existed and was deleted (Stripe still answers `deleted: true` for it).
    public func isDeleted(_ id: String, object: String) async throws -> Bool {
        try await connection.queryFirst(
            "SELECT id FROM deleted_objects WHERE id = \(id) AND account_id = \(accountID) AND object = \(object)"
        ) != nil
    }

    public func review(_ id: String) async throws -> Review? {
        try await connection.queryFirst("SELECT * FROM reviews WHERE id = \(id) AND account_id = \(accountID)")
            .map(Review.init(row:))
    }

    public func refund(_ id: String) async throws -> Refund? {
        try await connection.queryFirst(
            "SELECT * FROM refunds WHERE id = \(id) AND account_id = \(accountID)"
        ).map(Refund.init(row:))
    }

    public func balanceTransaction(_ id: String) async throws -> BalanceTransaction? {
        try await LedgerRows.find(id, account: accountID, on: connection)
    }

    public func account(_ id: String) async throws -> Account? {
        try await connection.queryFirst("SELECT * FROM accounts WHERE id = \(id)").map(Account.init(row:))
    }

    /// The stored JSON of an event.
    public func eventPayload(_ id: String) async throws -> String? {
        try await connection.queryFirst(
            "SELECT payload, pending_webhooks FROM events WHERE id = \(id) AND account_id = \(accountID)"
        ).map { EventPayload.rendering($0.string("payload"), pendingWebhooks: $0.int("pending_webhooks")) }
    }

    /// Available and pending amounts per currency. Pending = net of entries not yet available.
    public func balance() async throws -> [(currency: String, available: Int64, pending: Int64)] {
        let totals = try await connection.query("""
            SELECT currency, CAST(SUM(amount) AS BIGINT) AS amount FROM balances WHERE account_id = \(accountID)
            GROUP BY currency ORDER BY currency
            """)
        var result: [(String, Int64, Int64)] = []
        for row in totals {
            let currency = row.string("currency")
            let pending = try await connection.queryFirst("""
                SELECT COALESCE(SUM(net), 0) AS pending FROM balance_transactions
                WHERE account_id = \(accountID) AND currency = \(currency) AND available_on > \(now)
                """)?.int("pending") ?? 0
            result.append((currency, row.int("amount") - pending, pending))
        }
        return result
    }

    /// One page of a list, newest first (research stripe.md §3.2).
    public func list(_ query: ListQuery) async throws -> ListPage {
        try await ListPager.page(query, accountID: accountID, on: connection)
    }
}

extension Ledger {
    /// Runs reads for one account on a consistent snapshot.
    public func reading<T: Sendable>(accountID: String, _ body: @Sendable @escaping (LedgerReader) async throws -> T)
        async throws -> T
    {
        let now = clock.unixSeconds()
        return try await read { connection in
            try await body(LedgerReader(connection: connection, accountID: accountID, now: now))
        }
    }
}

extension LedgerReader {
    public func dispute(_ id: String) async throws -> Dispute? {
        try await connection.queryFirst(
            "SELECT * FROM disputes WHERE id = \(id) AND account_id = \(accountID)"
        ).map(Dispute.init(row:))
    }

    /// A dispute's JSON with its balance transactions (withdrawal, reinstatement) embedded, as Stripe shows them.
    public func disputeJSON(_ dispute: Dispute, charge: JSONValue? = nil) async throws -> JSONValue {
        let entries = try await connection.query("""
            SELECT * FROM balance_transactions WHERE account_id = \(accountID) AND source_id = \(dispute.id) ORDER BY seq
            """).map { BalanceTransaction(row: $0).json(now: now) }
        return dispute.json(balanceTransactions: entries, now: now, charge: charge)
    }
}

extension LedgerReader {
    public func product(_ id: String) async throws -> Product? {
        try await connection.queryFirst(
            "SELECT * FROM products WHERE id = \(id) AND account_id = \(accountID)"
        ).map(Product.init(row:))
    }

    public func price(_ id: String) async throws -> Price? {
        try await connection.queryFirst(
            "SELECT * FROM prices WHERE id = \(id) AND account_id = \(accountID)"
        ).map(Price.init(row:))
    }

    public func subscription(_ id: String) async throws -> Subscription? {
        try await connection.queryFirst(
            "SELECT * FROM subscriptions WHERE id = \(id) AND account_id = \(accountID)"
        ).map(Subscription.init(row:))
    }

    /// A subscription's JSON with each item's price embedded.
    public func subscriptionJSON(_ subscription: Subscription) async throws -> JSONValue {
        var prices: [String: JSONValue] = [:]
        for item in subscription.items where prices[item.priceID] == nil {
            prices[item.priceID] = try await price(item.priceID)?.json
        }
        return subscription.json(prices: prices)
    }
}
