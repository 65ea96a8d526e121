import RemitCore
import RemitStore

/// Reads Stripe's list parameters: `limit`, `starting_after`, `ending_before`, `created[…]`.
enum ListParameters {
    static func read(_ reader: inout FormReader, into query: inout ListQuery) throws(StripeError) {
        if let limit = try reader.int("limit") {
            guard (1...Int64(APILimits.listLimitMax)).contains(limit) else {
                throw StripeError.invalid("limit", "Invalid limit: must be between 1 and \(APILimits.listLimitMax).",
                                          code: "parameter_invalid_integer")
            }
            query.limit = Int(limit)
        }
        query.startingAfter = try reader.string("starting_after", maxLength: 255).flatMap { $0.isEmpty ? nil : $0 }
        query.endingBefore = try reader.string("ending_before", maxLength: 255).flatMap { $0.isEmpty ? nil : $0 }
        if query.startingAfter != nil && query.endingBefore != nil {
            throw StripeError.invalid("ending_before", "You may only specify one of these parameters: ending_before, starting_after.")
        }
        query.created = try createdFilter(&reader)
    }

    static func createdFilter(_ reader: inout FormReader) throws(StripeError) -> CreatedFilter {
        var filter = CreatedFilter()
        guard let node = reader.form["created"] else { return filter }
        if case .value = node {
            let exact = try reader.int("created")
            filter.gte = exact
            filter.lte = exact
            return filter
        }
        guard var hash = try reader.hash("created") else { return filter }
        filter.gt = try hash.int("gt")
        filter.gte = try hash.int("gte")
        filter.lt = try hash.int("lt")
        filter.lte = try hash.int("lte")
        try hash.finish()
        return filter
    }

    static func listObject(url: String, data: [JSONValue], hasMore: Bool) -> JSONValue {
        .object([("object", .string("list")), ("data", .array(data)), ("has_more", .bool(hasMore)), ("url", .string(url))])
    }
}
