import RemitCore
import RemitSQL
import RemitStore

/// What older Stripe API versions show that the current shapes leave out (research/payment-intents.md §8), added to
/// an object rendered in the current shape: one model, rendered down. Version 2022-11-15 removed the `charges` list
/// of a PaymentIntent and the `refunds` list of a Charge; a request pinned before it gets them back.
enum VersionedRendering {
    /// The first version without the embedded `charges` and `refunds` lists.
    static let embeddedListsRemoved = "2022-11-15"
    /// The first version where a PaymentIntent or SetupIntent created without `payment_method_types` gets automatic
    /// payment methods (before it, `["card"]` and `automatic_payment_methods: null`).
    static let automaticPaymentMethodsByDefault = "2023-08-16"
    /// The most rows an embedded list shows (`has_more` says when there are more).
    static let embeddedListMax = 100

    static func paymentIntent(_ json: JSONValue, id: String, version: String, _ ledger: LedgerReader) async throws
        -> JSONValue
    {
        guard StripeAPIVersion.isBefore(version, embeddedListsRemoved) else { return json }
        var query = ListQuery(table: .charges)
        query.filter("payment_intent_id", equals: id)
        let list = try await embeddedList(query, url: "/v1/charges?payment_intent=\(id)", ledger) { Charge(row: $0).json() }
        return json.inserting("charges", list, after: "capture_method")
    }

    static func charge(_ json: JSONValue, id: String, version: String, _ ledger: LedgerReader) async throws -> JSONValue {
        guard StripeAPIVersion.isBefore(version, embeddedListsRemoved) else { return json }
        var query = ListQuery(table: .refunds)
        query.filter("charge_id", equals: id)
        let list = try await embeddedList(query, url: "/v1/charges/\(id)/refunds", ledger) { Refund(row: $0).json() }
        return json.inserting("refunds", list, after: "refunded")
    }

    private static func embeddedList(_ query: ListQuery, url: String, _ ledger: LedgerReader,
                                      render: (SQLRow) -> JSONValue) async throws -> JSONValue {
        var query = query
        query.limit = embeddedListMax
        let page = try await ledger.list(query)
        return .object([
            ("object", .string("list")), ("data", .array(page.rows.map(render))), ("has_more", .bool(page.hasMore)),
            ("total_count", page.hasMore ? .null : .int(Int64(page.rows.count))), ("url", .string(url)),
        ])
    }
}
