import RemitCore
import RemitSQL

/// What older Stripe API versions show that the current shapes leave out (research/payment-intents.md §8), added to
/// an object rendered in the current shape: one model, rendered down. Version 2022-11-15 removed the `charges` list
/// of a PaymentIntent and the `refunds` list of a Charge; a request pinned before it gets them back.
public enum VersionedRendering {
    /// The first version without the embedded `charges` and `refunds` lists.
    public static let embeddedListsRemoved = "2022-11-15"
    /// The first version where a PaymentIntent or SetupIntent created without `payment_method_types` gets automatic
    /// payment methods (before it, `["card"]` and `automatic_payment_methods: null`).
    public static let automaticPaymentMethodsByDefault = "2023-08-16"
    /// The most rows an embedded list shows (`has_more` says when there are more).
    static let embeddedListMax = 100

    public static func paymentIntent(_ json: JSONValue, id: String, version: String, _ ledger: LedgerReader) async throws
        -> JSONValue
    {
        guard StripeAPIVersion.isBefore(version, embeddedListsRemoved) else { return json }
        var query = ListQuery(table: .charges)
        query.filter("payment_intent_id", equals: id)
        let list = try await embeddedList(query, url: "/v1/charges?payment_intent=\(id)", ledger) { Charge(row: $0).json() }
        return json.inserting("charges", list, after: "capture_method")
    }

    public static func charge(_ json: JSONValue, id: String, version: String, _ ledger: LedgerReader) async throws -> JSONValue {
        guard StripeAPIVersion.isBefore(version, embeddedListsRemoved) else { return json }
        var query = ListQuery(table: .refunds)
        query.filter("charge_id", equals: id)
        let list = try await embeddedList(query, url: "/v1/charges/\(id)/refunds", ledger) { Refund(row: $0).json() }
        return json.inserting("refunds", list, after: "refunded")
    }

    /// An event's object as an endpoint or account of `version` sees it: the shapes above by the object's id
    /// (`pi_…`, `ch_…`); any other object as it is.
    public static func eventObject(_ object: JSONValue, id: String, version: String, _ ledger: LedgerReader)
        async throws -> JSONValue
    {
        if id.hasPrefix("pi_") { return try await paymentIntent(object, id: id, version: version, ledger) }
        if id.hasPrefix("ch_") { return try await charge(object, id: id, version: version, ledger) }
        return object
    }

    /// Whether an event about this object can look different at another version.
    public static func isVersioned(objectID id: String) -> Bool { id.hasPrefix("pi_") || id.hasPrefix("ch_") }

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
