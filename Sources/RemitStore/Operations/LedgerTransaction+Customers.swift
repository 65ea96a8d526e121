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
    /// `payment_method`: a PaymentMethod to attach (a named test one, `pm_card_visa`, is minted and attached).
    public var paymentMethodToAttach: String?
    /// `invoice_settings[default_payment_method]`: a PaymentMethod attached to the customer (or the one attached by
    /// this request, named as it was in `payment_method`); "" unsets it.
    public var defaultPaymentMethod: String?
    /// `source`: a token whose card becomes a source of the customer and its default (on an update, replacing the
    /// default source, which is deleted, as Stripe does).
    public var source: String?
    /// `default_source` (update): one of the customer's card sources becomes the default.
    public var defaultSource: String?
    public var metadata: MetadataUpdate?

    public init(email: String? = nil, name: String? = nil, description: String? = nil, phone: String? = nil,
                address: String? = nil, paymentMethodToAttach: String? = nil, defaultPaymentMethod: String? = nil,
                source: String? = nil, defaultSource: String? = nil, metadata: MetadataUpdate? = nil) {
        self.email = email
        self.name = name
        self.description = description
        self.phone = phone
        self.address = address
        self.paymentMethodToAttach = paymentMethodToAttach
        self.defaultPaymentMethod = defaultPaymentMethod
        self.source = source
        self.defaultSource = defaultSource
        self.metadata = metadata
    }
}

extension LedgerTransaction {
    public func createCustomer(_ fields: CustomerFields) async throws -> Customer {
        var customer = Customer(id: ledger.ids("cus"), accountID: accountID, created: now, livemode: context.livemode)
        let attached = try await attachRequested(fields, to: customer)
        var sources = SourceChanges()
        _ = try await apply(fields, to: &customer, attached: attached?.method, sources: &sources)
        try await connection.execute("""
            INSERT INTO customers (id, account_id, created, email, name, description, phone, address,
                default_payment_method, default_source, balance, metadata, deleted, livemode)
            VALUES (\(customer.id), \(accountID), \(customer.created), \(customer.email), \(customer.name),
                \(customer.description), \(customer.phone), \(customer.address), \(customer.defaultPaymentMethod),
                \(customer.defaultSource), \(customer.balance), \(customer.metadata.storageText), 0, \(customer.livemode))
            """)
        try await emit("customer.created", customer.json, id: customer.id)
        if let attached, attached.attachedNow {
            try await emit("payment_method.attached", attached.method.json, id: attached.method.id)
        }
        try await emit(sources)
        return customer
    }

    public func updateCustomer(_ id: String, _ fields: CustomerFields) async throws -> Customer {
        // Under the row's lock, as the sources' default is changed elsewhere: a replaced default source is the one
        // this update read.
        var customer = try await lockedRow(.customers, id, Customer.init(row:))
        let attached = try await attachRequested(fields, to: customer)
        if let attached, attached.attachedNow {
            try await emit("payment_method.attached", attached.method.json, id: attached.method.id)
        }
        var sources = SourceChanges()
        let previous = try await apply(fields, to: &customer, attached: attached?.method, sources: &sources)
        try await emit(sources)
        guard !previous.isEmpty else { return customer }
        try await connection.execute("""
            UPDATE customers SET email = \(customer.email), name = \(customer.name),
                description = \(customer.description), phone = \(customer.phone), address = \(customer.address),
                default_payment_method = \(customer.defaultPaymentMethod), default_source = \(customer.defaultSource),
                metadata = \(customer.metadata.storageText)
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

    /// Attaches the PaymentMethod of `payment_method`, if any (before the customer's row exists, for a new one).
    private func attachRequested(_ fields: CustomerFields, to customer: Customer) async throws
        -> (method: PaymentMethod, attachedNow: Bool)?
    {
        guard let reference = fields.paymentMethodToAttach else { return nil }
        return try await attach(reference, param: "payment_method", to: customer.id)
    }

    /// Applies fields; returns the previous values of what changed (for `previous_attributes`). `attached` is the
    /// PaymentMethod this request attached, which `invoice_settings[default_payment_method]` may name as it was
    /// named in `payment_method`.
    private func apply(_ fields: CustomerFields, to customer: inout Customer, attached: PaymentMethod?,
                       sources: inout SourceChanges) async throws -> [(String, JSONValue)]
    {
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
        var newDefaultSource: String?
        if let source = fields.source {
            if source.hasPrefix("tok_") {
                // The token's card becomes a source of the customer and its default; the default it replaces is
                // deleted, as Stripe does.
                let card = try await addCardSource(source, to: customer.id, emits: false)
                sources.added = card
                if let old = customer.defaultSource, old.hasPrefix("card_") {
                    let removed = try await customerSource(customerID: customer.id, id: old, forUpdate: true)
                    try await removeCardSource(removed, emits: false)
                    sources.removed = removed
                }
                newDefaultSource = card.id
            } else {
                // Stripe's named test instruments other than tokens stay a reference the charge resolves.
                _ = try ledger.processor.resolve(.reference(source), param: "source")
                newDefaultSource = source
            }
        }
        if let source = fields.defaultSource {
            newDefaultSource = try await customerSource(customerID: customer.id, id: source).id
        }
        if let source = newDefaultSource, source != customer.defaultSource {
            previous.append(("default_source", .optional(customer.defaultSource)))
            customer.defaultSource = source
        }
        var newDefault: String?
        if let reference = fields.defaultPaymentMethod {
            if reference.isEmpty {
                newDefault = ""
            } else if let attached, reference == fields.paymentMethodToAttach || reference == attached.id {
                newDefault = attached.id
            } else {
                newDefault = try await attachedPaymentMethodID(reference, of: customer.id)
            }
        }
        if let method = newDefault, method != (customer.defaultPaymentMethod ?? "") {
            previous.append(("invoice_settings", .object([("default_payment_method", .optional(customer.defaultPaymentMethod))])))
            customer.defaultPaymentMethod = method.isEmpty ? nil : method
        }
        try fields.metadata?.apply(to: &customer.metadata, recordingIn: &previous)
        return previous
    }

    /// The card sources a customer create or update added or deleted, whose events follow the customer's.
    struct SourceChanges {
        var added: PaymentMethod?
        var removed: PaymentMethod?
    }

    private func emit(_ sources: SourceChanges) async throws {
        if let removed = sources.removed {
            try await emit("customer.source.deleted", removed.cardSourceJSON, id: removed.id)
        }
        if let added = sources.added {
            try await emit("customer.source.created", added.cardSourceJSON, id: added.id)
        }
    }

    /// The id `invoice_settings[default_payment_method]` names, which must be one of the customer's attached
    /// PaymentMethods.
    private func attachedPaymentMethodID(_ reference: String, of customerID: String) async throws -> String {
        // (Written without a `try await` inside a multi-clause `guard`: Swift 6.3's release build crashed splitting
        // that coroutine.)
        var method: PaymentMethod?
        if Self.isSavedPaymentMethodID(reference) {
            method = try await PaymentMethodRows.find(reference, account: accountID, on: connection)
        }
        if let method, method.state == .attached, method.customerID == customerID { return method.id }
        throw StripeError(type: .invalidRequest, code: "resource_missing",
                          message: "The customer does not have a payment method with the ID \(reference). The payment method must be attached to the customer.",
                          param: "invoice_settings[default_payment_method]")
    }
}
