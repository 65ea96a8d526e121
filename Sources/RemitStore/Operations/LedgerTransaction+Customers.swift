import RemitCore
import RemitProcessor
import RemitSQL

/// The fields of `POST /v1/customers` and `POST /v1/customers/{id}`. nil leaves a field alone; "" clears it.
public struct CustomerFields: Sendable {
    public var email: String?
    public var name: String?
    public var description: String?
    public var phone: String?
    /// `address[…]` as a JSON object text.
    public var address: String?
    public var defaultPaymentMethod: String?
    public var metadata: MetadataUpdate?

    public init(email: String? = nil, name: String? = nil, description: String? = nil, phone: String? = nil,
                address: String? = nil, defaultPaymentMethod: String? = nil, metadata: MetadataUpdate? = nil) {
        self.email = email
        self.name = name
        self.description = description
        self.phone = phone
        self.address = address
        self.defaultPaymentMethod = defaultPaymentMethod
        self.metadata = metadata
    }
}

extension LedgerTransaction {
    public func createCustomer(_ fields: CustomerFields) async throws -> Customer {
        var customer = Customer(id: ledger.ids("cus"), accountID: accountID, created: now, livemode: context.livemode)
        _ = try await apply(fields, to: &customer)
        try await connection.execute("""
            INSERT INTO customers (id, account_id, created, email, name, description, phone, address,
                default_payment_method, balance, metadata, deleted, livemode)
            VALUES (\(customer.id), \(accountID), \(customer.created), \(customer.email), \(customer.name),
                \(customer.description), \(customer.phone), \(customer.address), \(customer.defaultPaymentMethod),
                \(customer.balance), \(customer.metadata.storageText), 0, \(customer.livemode))
            """)
        try await emit("customer.created", customer.json, id: customer.id)
        return customer
    }

    public func updateCustomer(_ id: String, _ fields: CustomerFields) async throws -> Customer {
        guard var customer = try await reader.customer(id) else { throw StripeError.noSuch("customer", id) }
        let previous = try await apply(fields, to: &customer)
        guard !previous.isEmpty else { return customer }
        try await connection.execute("""
            UPDATE customers SET email = \(customer.email), name = \(customer.name),
                description = \(customer.description), phone = \(customer.phone), address = \(customer.address),
                default_payment_method = \(customer.defaultPaymentMethod), metadata = \(customer.metadata.storageText)
            WHERE id = \(id) AND account_id = \(accountID)
            """)
        try await emit("customer.updated", customer.json, id: customer.id, previous: .object(previous))
        return customer
    }

    /// Deletes a customer for good (a delete change row), leaving a tombstone so reads answer `deleted: true`.
    public func deleteCustomer(_ id: String) async throws -> Customer {
        guard var customer = try await reader.customer(id) else { throw StripeError.noSuch("customer", id) }
        try await connection.execute("DELETE FROM customers WHERE id = \(id) AND account_id = \(accountID)")
        try await connection.execute("""
            INSERT INTO deleted_objects (id, account_id, object, deleted) VALUES (\(id), \(accountID), 'customer', \(now))
            """)
        try await emit("customer.deleted", customer.json, id: customer.id)
        customer.deleted = true
        return customer
    }

    /// Applies fields; returns the previous values of what changed (for `previous_attributes`).
    private func apply(_ fields: CustomerFields, to customer: inout Customer) async throws -> [(String, JSONValue)] {
        var previous: [(String, JSONValue)] = []
        func set(_ name: String, _ value: String?, _ keyPath: WritableKeyPath<Customer, String?>) {
            guard let value else { return }
            let newValue: String? = value.isEmpty ? nil : value
            guard newValue != customer[keyPath: keyPath] else { return }
            previous.append((name, .optional(customer[keyPath: keyPath])))
            customer[keyPath: keyPath] = newValue
        }
        set("email", fields.email, \.email)
        set("name", fields.name, \.name)
        set("description", fields.description, \.description)
        set("phone", fields.phone, \.phone)
        if let address = fields.address, address != customer.address {
            previous.append(("address", customer.address.map { .raw($0) } ?? .null))
            customer.address = address.isEmpty ? nil : address
        }
        if let method = fields.defaultPaymentMethod, method != customer.defaultPaymentMethod {
            if !method.isEmpty {
                _ = try ledger.processor.resolve(.reference(method), param: "invoice_settings[default_payment_method]")
            }
            previous.append(("invoice_settings", .object([("default_payment_method", .optional(customer.defaultPaymentMethod))])))
            customer.defaultPaymentMethod = method.isEmpty ? nil : method
        }
        if let update = fields.metadata {
            let merged = try update.applied(to: customer.metadata)
            if merged != customer.metadata {
                previous.append(("metadata", customer.metadata.json))
                customer.metadata = merged
            }
        }
        return previous
    }
}
