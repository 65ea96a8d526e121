import Foundation
import RemitSQL

/// A list request: which table, which filters, and Stripe's cursor parameters.
public struct ListQuery: Sendable {
    public enum Table: String, Sendable {
        case customers, charges, refunds, events, accounts, disputes, products, prices, subscriptions, reviews
        case balanceTransactions = "balance_transactions"
        case webhookEndpoints = "webhook_endpoints"
        case paymentMethods = "payment_methods"
        case paymentIntents = "payment_intents"
        case setupIntents = "setup_intents"
    }

    public var table: Table
    /// Column equality filters (`customer_id = …`, `type = …`), typed as the column is.
    public private(set) var equals: [(column: String, value: SQLValue)] = []
    /// `type IN (…)` style filters.
    public var oneOf: [(column: String, values: [String])] = []
    /// A `LIKE 'prefix%'` filter (event type wildcards).
    public var prefix: (column: String, value: String)?
    public var created = CreatedFilter()
    /// Events only: `delivery_success=true` (every endpoint answered 2xx or gave up) or `false` (some still pending).
    public var deliverySuccess: Bool?
    public var limit: Int = 10
    public var startingAfter: String?
    public var endingBefore: String?

    public init(table: Table) { self.table = table }

    public mutating func filter(_ column: String, equals value: some SQLBindable) {
        equals.append((column, value.sqlValue))
    }
}

/// `created`, `created[gt]`, `created[gte]`, `created[lt]`, `created[lte]`.
public struct CreatedFilter: Sendable {
    public var gt: Int64?
    public var gte: Int64?
    public var lt: Int64?
    public var lte: Int64?

    public init() {}
}

public struct ListPage: Sendable {
    public var rows: [SQLRow]
    public var hasMore: Bool
}

enum ListPager {
    /// Column names come from `ListQuery` callers (constants in the API layer), never from requests.
    static let allowedColumns: Set<String> = [
        "customer_id", "charge_id", "type", "email", "source_id", "currency", "product_id", "status", "active", "deleted",
        "allow_redisplay", "payment_intent_id", "payment_method_id", "object",
    ]

    static func page(_ query: ListQuery, accountID: String, on connection: any SQLConnection) async throws -> ListPage {
        precondition((1...100).contains(query.limit))
        let table = query.table.rawValue
        var conditions: [SQL] = []
        if query.table == .accounts {
            conditions.append("is_platform = 0")
        } else {
            conditions.append("account_id = \(accountID)")
        }
        for (column, value) in query.equals {
            precondition(allowedColumns.contains(column))
            conditions.append("\(raw: column) = \(value)")
        }
        for (column, values) in query.oneOf where !values.isEmpty {
            precondition(allowedColumns.contains(column))
            let list = SQL.join(values.map { "\($0)" }, separator: ", ")
            conditions.append("\(raw: column) IN (\(sql: list))")
        }
        if let (column, value) = query.prefix {
            precondition(allowedColumns.contains(column))
            let escaped = value.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "\\_")
            conditions.append("\(raw: column) LIKE \(escaped + "%") ESCAPE '\\'")
        }
        if let success = query.deliverySuccess, query.table == .events {
            conditions.append(success ? "pending_webhooks = 0" : "pending_webhooks > 0")
        }
        if let value = query.created.gt { conditions.append("created > \(value)") }
        if let value = query.created.gte { conditions.append("created >= \(value)") }
        if let value = query.created.lt { conditions.append("created < \(value)") }
        if let value = query.created.lte { conditions.append("created <= \(value)") }
        let backwards = query.startingAfter == nil && query.endingBefore != nil
        if let cursor = query.startingAfter ?? query.endingBefore {
            let seq = try await connection.queryFirst("SELECT seq FROM \(raw: table) WHERE id = \(cursor)")?.int("seq")
            guard let seq else { return ListPage(rows: [], hasMore: false) }
            conditions.append(backwards ? "seq > \(seq)" : "seq < \(seq)")
        }
        let order = backwards ? "ASC" : "DESC"
        let sql: SQL = """
            SELECT * FROM \(raw: table) WHERE \(sql: SQL.join(conditions, separator: " AND "))
            ORDER BY seq \(raw: order) LIMIT \(query.limit + 1)
            """
        var rows = try await connection.query(sql)
        let hasMore = rows.count > query.limit
        if hasMore { rows.removeLast() }
        if backwards { rows.reverse() }
        return ListPage(rows: rows, hasMore: hasMore)
    }
}
