import Foundation

extension Card {
    /// The legacy Card object (`card_…`): a token's card (which has no `customer` field), or a customer's source
    /// (research/payment-intents.md §6).
    public func sourceJSON(id: String, customer: String??, cvcCheck: String?, name: String?,
                           address: [String: String] = [:], metadata: JSONValue = .object([])) -> JSONValue {
        func field(_ key: String) -> JSONValue { .optional(address[key]) }
        var fields: [(String, JSONValue)] = [
            ("id", .string(id)), ("object", .string("card")), ("address_city", field("city")),
            ("address_country", field("country")), ("address_line1", field("line1")),
            ("address_line1_check", address["line1"] == nil ? .null : .string("unchecked")),
            ("address_line2", field("line2")), ("address_state", field("state")), ("address_zip", field("postal_code")),
            ("address_zip_check", address["postal_code"] == nil ? .null : .string("unchecked")),
            ("brand", .string(displayBrand)), ("country", .string(country)),
            ("cvc_check", .optional(cvcCheck)), ("dynamic_last4", .null), ("exp_month", .int(expMonth)),
            ("exp_year", .int(expYear)), ("fingerprint", .string(fingerprint)), ("funding", .string(funding)),
            ("last4", .string(last4)), ("metadata", metadata), ("name", .optional(name)),
            ("networks", .object([("preferred", .null)])), ("tokenization_method", .null), ("wallet", .null),
        ]
        if let customer { fields.insert(("customer", .optional(customer)), at: 12) }
        return .object(fields)
    }
}

extension PaymentMethod {
    /// A customer's card source: stored like a PaymentMethod, named `card_…`, answered as a Card.
    public var isCardSource: Bool { id.hasPrefix("card_") }

    /// The Card object of a card source.
    public var cardSourceJSON: JSONValue {
        card.sourceJSON(id: id, customer: .some(customerID), cvcCheck: cvcCheck, name: billingDetails.name,
                        address: billingDetails.addressFields, metadata: metadata.json)
    }
}

extension BillingDetails {
    /// The stored address as its fields (`city`, `country`, `line1`, `line2`, `postal_code`, `state`).
    public var addressFields: [String: String] {
        guard let address, let object = try? JSONSerialization.jsonObject(with: Data(address.utf8)) as? [String: Any]
        else { return [:] }
        return object.compactMapValues { $0 as? String }
    }
}
