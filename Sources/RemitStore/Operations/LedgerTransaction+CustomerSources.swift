import RemitCore
import RemitProcessor
import RemitSQL

/// A customer's card sources (research/payment-intents.md §6): a token becomes a `card_…`, stored like a saved
/// PaymentMethod (the same reuse states, compare-and-set) and answered as a Card. The first one becomes the customer's
/// `default_source`, which a charge naming the customer and no source pays with; deleting the default moves it to the
/// newest remaining card, or to none.
extension LedgerTransaction {
    /// `POST /v1/customers/{id}/sources`: the card of a token, attached to the customer after the network's check.
    public func createCustomerSource(customerID: String, source: String, metadata: Metadata) async throws
        -> PaymentMethod
    {
        let customer = try await lockedRow(.customers, customerID, Customer.init(row:))
        let card = try await addCardSource(source, metadata: metadata, to: customer.id)
        if customer.defaultSource == nil { try await setDefaultSource(card.id, of: customer) }
        return card
    }

    /// The card source a token becomes, attached to a customer (whose row the caller holds), with its event.
    func addCardSource(_ token: String, metadata: Metadata = Metadata(), to customerID: String, emits: Bool = true)
        async throws -> PaymentMethod
    {
        guard token.hasPrefix("tok_") else { throw StripeError.noSuch("source", token, param: "source") }
        var creation = PaymentMethodCreation(card: .reference(token))
        creation.metadata = metadata
        let created = try await createPaymentMethod(creation, idPrefix: "card", param: "source")
        let (card, _) = try await attach(created.id, param: "source", to: customerID)
        if emits { try await emit("customer.source.created", card.cardSourceJSON, id: card.id) }
        return card
    }

    /// `GET /v1/customers/{id}/sources/{card}`.
    public func customerSource(customerID: String, id: String, forUpdate: Bool = false) async throws -> PaymentMethod {
        let found = try await PaymentMethodRows.find(id, account: accountID, on: connection, forUpdate: forUpdate)
        guard let found, found.isCardSource, found.state == .attached, found.customerID == customerID else {
            throw StripeError.noSuch("source", id)
        }
        return found
    }

    /// `POST /v1/customers/{id}/sources/{card}`: the cardholder's name and address, the expiry, metadata.
    public func updateCustomerSource(customerID: String, id: String, _ update: CardSourceUpdate) async throws
        -> PaymentMethod
    {
        let found = try await customerSource(customerID: customerID, id: id, forUpdate: true)
        var fields = PaymentMethodUpdate()
        fields.billingName = update.name
        fields.expMonth = update.expMonth
        fields.expYear = update.expYear
        fields.metadata = update.metadata
        if !update.address.isEmpty {
            var address = found.billingDetails.addressFields
            for (key, value) in update.address { address[key] = value.isEmpty ? nil : value }
            fields.billingAddress = address.isEmpty ? ""
                : JSONValue.object(address.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }).rendered()
        }
        let (card, previous) = try applying(fields, to: found)
        guard !previous.isEmpty else { return card }
        try await PaymentMethodRows.update(card, from: found, on: connection)
        try await emit("customer.source.updated", card.cardSourceJSON, id: card.id, previous: .object(previous))
        return card
    }

    /// `DELETE /v1/customers/{id}/sources/{card}`: the card is detached for good; if it was the default, the newest
    /// remaining card takes its place.
    public func deleteCustomerSource(customerID: String, id: String) async throws -> PaymentMethod {
        let customer = try await lockedRow(.customers, customerID, Customer.init(row:))
        let found = try await customerSource(customerID: customerID, id: id, forUpdate: true)
        try await removeCardSource(found)
        if customer.defaultSource == id {
            let next = try await connection.queryFirst("""
                SELECT id FROM payment_methods
                WHERE account_id = \(accountID) AND customer_id = \(customerID) AND object = 'card' AND state = 'attached'
                ORDER BY seq DESC LIMIT 1
                """)?.string("id")
            try await setDefaultSource(next, of: customer)
        }
        return found
    }

    /// Detaches a card source for good, with its event (unless the caller emits it).
    func removeCardSource(_ found: PaymentMethod, emits: Bool = true) async throws {
        var card = found
        card.state = .spent
        card.customerID = nil
        try await PaymentMethodRows.update(card, from: found, on: connection)
        if emits { try await emit("customer.source.deleted", found.cardSourceJSON, id: found.id) }
    }

    /// Sets the customer's `default_source` by a compare-and-set on the value read, with `customer.updated`.
    func setDefaultSource(_ id: String?, of customer: Customer) async throws {
        guard id != customer.defaultSource else { return }
        let changed: Int
        if let current = customer.defaultSource {
            changed = try await connection.execute("""
                UPDATE customers SET default_source = \(id)
                WHERE id = \(customer.id) AND account_id = \(accountID) AND default_source = \(current)
                """)
        } else {
            changed = try await connection.execute("""
                UPDATE customers SET default_source = \(id)
                WHERE id = \(customer.id) AND account_id = \(accountID) AND default_source IS NULL
                """)
        }
        try RowLock.expectOneChanged(changed)
        var updated = customer
        updated.defaultSource = id
        try await emit("customer.updated", updated.json, id: customer.id,
                       previous: .object([("default_source", .optional(customer.defaultSource))]))
    }
}

/// The fields of `POST /v1/customers/{id}/sources/{card}`. nil leaves a field alone; "" clears it.
public struct CardSourceUpdate: Sendable {
    public var name: String?
    public var expMonth: Int64?
    public var expYear: Int64?
    /// `address_city`… as the address's own keys (`city`, `country`, `line1`, `line2`, `postal_code`, `state`).
    public var address: [String: String] = [:]
    public var metadata: MetadataUpdate?

    public init() {}
}
