import RemitCore
import RemitProcessor
import RemitSQL

/// PaymentMethods (research/payment-intents.md §5): saved cards, attached to customers and used by payments.
///
/// A named test PaymentMethod (`pm_card_visa`) is not a stored object: each use mints a new `pm_…` row, which is
/// what the answer carries. A saved PaymentMethod follows ``PaymentMethodState``: attach, detach and a payment without
/// a customer each compare-and-set it.
extension LedgerTransaction {
    public func createPaymentMethod(_ creation: PaymentMethodCreation) async throws -> PaymentMethod {
        try await createPaymentMethod(creation, idPrefix: "pm", param: "card")
    }

    /// A saved card: a PaymentMethod (`pm`), or a customer's card source (`card`, ``addCardSource(_:to:)``).
    func createPaymentMethod(_ creation: PaymentMethodCreation, idPrefix: String, param: String) async throws
        -> PaymentMethod
    {
        let resolved = try await paymentCard(creation.card, customerID: nil, param: param).card
        var cvcCheck: String?
        if case .rawCard(_, _, _, let cvc) = creation.card, cvc != nil { cvcCheck = "unchecked" }
        let method = PaymentMethod(
            id: ledger.ids(idPrefix), accountID: accountID, created: now, card: resolved.card,
            issuerPrefix: resolved.issuerPrefix, isNamedTestInstrument: resolved.isNamedTestInstrument,
            cvcCheck: cvcCheck, billingDetails: creation.billingDetails,
            allowRedisplay: creation.allowRedisplay ?? "unspecified", metadata: creation.metadata,
            livemode: context.livemode)
        try await PaymentMethodRows.insert(method, on: connection)
        return method
    }

    public func updatePaymentMethod(_ id: String, _ update: PaymentMethodUpdate) async throws -> PaymentMethod {
        let found = try await lockedRow(.paymentMethods, id, PaymentMethod.init(row:))
        guard found.state == .attached else {
            throw StripeError.invalid("payment_method", "You must save this PaymentMethod to a customer before you can update it.")
        }
        let (method, previous) = try applying(update, to: found)
        guard !previous.isEmpty else { return method }
        try await PaymentMethodRows.update(method, from: found, on: connection)
        try await emit("payment_method.updated", method.json, id: method.id, previous: .object(previous))
        return method
    }

    /// A saved card with an update's fields, and the previous values of what changed (`previous_attributes`).
    func applying(_ update: PaymentMethodUpdate, to found: PaymentMethod) throws -> (PaymentMethod, [(String, JSONValue)]) {
        var method = found
        var previous: [(String, JSONValue)] = []
        var billing = method.billingDetails
        func set(_ value: String?, _ keyPath: WritableKeyPath<BillingDetails, String?>) {
            guard let value else { return }
            billing[keyPath: keyPath] = value.isEmpty ? nil : value
        }
        set(update.billingName, \.name)
        set(update.billingEmail, \.email)
        set(update.billingPhone, \.phone)
        set(update.billingAddress, \.address)
        if billing != method.billingDetails {
            previous.append(("billing_details", method.billingDetails.json))
            method.billingDetails = billing
        }
        var card = method.card
        if update.expMonth != nil || update.expYear != nil {
            card.expYear = try ledger.processor.checkedExpiry(month: update.expMonth ?? card.expMonth,
                                                              year: update.expYear ?? card.expYear, param: "card")
            card.expMonth = update.expMonth ?? card.expMonth
        }
        if card != method.card {
            previous.append(("card", .object([("exp_month", .int(method.card.expMonth)),
                                              ("exp_year", .int(method.card.expYear))])))
            method.card = card
        }
        if let redisplay = update.allowRedisplay, redisplay != method.allowRedisplay {
            previous.append(("allow_redisplay", .string(method.allowRedisplay)))
            method.allowRedisplay = redisplay
        }
        try update.metadata?.apply(to: &method.metadata, recordingIn: &previous)
        return (method, previous)
    }

    /// `POST /v1/payment_methods/{id}/attach`: the card passes the network's check, then belongs to the customer.
    public func attachPaymentMethod(_ id: String, customerID: String) async throws -> PaymentMethod {
        guard try await reader.customer(customerID) != nil else {
            throw StripeError.noSuch("customer", customerID, param: "customer")
        }
        let (method, attached) = try await attach(id, param: "id", to: customerID)
        if attached { try await emit("payment_method.attached", method.json, id: method.id) }
        return method
    }

    /// Attaches a saved or a named test PaymentMethod (minting it) to a customer known to exist. Returns it and
    /// whether it was attached now (false: already this customer's, which Stripe answers the same way).
    func attach(_ reference: String, param: String, to customerID: String) async throws
        -> (method: PaymentMethod, attachedNow: Bool)
    {
        let found = try await savedPaymentMethod(reference, param: param)
        switch found.state {
        case .attached where found.customerID == customerID:
            return (found, false)
        case .attached:
            throw StripeError.invalid(param == "id" ? "payment_method" : param,
                                      "The payment method you provided has already been attached to a customer.")
        case .spent:
            throw Self.spentPaymentMethod(param: param == "id" ? "payment_method" : param)
        case .unattached:
            break
        }
        let card = ledger.processor.resolve(saved: found.savedCard)
        if case .declined(let code, let declineCode, let message) = await ledger.processor.checkCard(card) {
            throw StripeError(type: .card, code: code, message: message, declineCode: declineCode)
        }
        var method = found
        method.state = .attached
        method.customerID = customerID
        if method.cvcCheck == "unchecked" { method.cvcCheck = "pass" }
        try await PaymentMethodRows.update(method, from: found, on: connection)
        return (method, true)
    }

    /// `POST /v1/payment_methods/{id}/detach`: for good. A customer whose default it was loses its default.
    public func detachPaymentMethod(_ id: String) async throws -> PaymentMethod {
        let found = try await lockedRow(.paymentMethods, id, PaymentMethod.init(row:))
        guard found.state == .attached, let customerID = found.customerID else {
            throw StripeError.invalid("payment_method",
                                      "The payment method you provided is not attached to a customer so detachment is impossible.")
        }
        var method = found
        method.state = .spent
        method.customerID = nil
        try await PaymentMethodRows.update(method, from: found, on: connection)
        try await emit("payment_method.detached", method.json, id: method.id,
                       previous: .object([("customer", .string(customerID))]))
        if var customer = try await reader.customer(customerID), customer.defaultPaymentMethod == id {
            try await connection.execute("""
                UPDATE customers SET default_payment_method = NULL
                WHERE id = \(customerID) AND account_id = \(accountID) AND default_payment_method = \(id)
                """)
            customer.defaultPaymentMethod = nil
            try await emit("customer.updated", customer.json, id: customerID,
                           previous: .object([("invoice_settings", .object([("default_payment_method", .string(id))]))]))
        }
        return method
    }

    /// The card a payment charges, and the saved PaymentMethod behind it if there is one: a saved one must be
    /// usable by this payment's customer (its own, or unattached and never used); anything else is the processor's
    /// to resolve (tokens, named test instruments, raw details).
    func paymentCard(_ instrument: PaymentInstrument, customerID: String?, param: String) async throws
        -> (card: ResolvedCard, saved: PaymentMethod?)
    {
        guard case .reference(let id) = instrument, Self.isSavedPaymentMethodID(id) else {
            // The processor knows Stripe's named test tokens (`tok_visa`) without a read; only an id it does not know
            // may be a stored token.
            do {
                return (try ledger.processor.resolve(instrument, param: param), nil)
            } catch let unknown {
                guard case .reference(let id) = instrument, let card = try await spendToken(id, param: param) else {
                    throw unknown
                }
                return (card, nil)
            }
        }
        let method = try await usablePaymentMethod(id, customerID: customerID, param: param)
        return (ledger.processor.resolve(saved: method.savedCard), method)
    }

    /// The PaymentMethod a payment for `customerID` may use, locked: a saved one that is this customer's or unattached
    /// and never used, or one minted from a named test PaymentMethod or token.
    func usablePaymentMethod(_ reference: String, customerID: String?, param: String) async throws -> PaymentMethod {
        let method = try await savedPaymentMethod(reference, param: param)
        switch method.state {
        case .spent:
            throw Self.spentPaymentMethod(param: param)
        case .attached where method.customerID != customerID:
            throw StripeError.invalid(param, customerID == nil
                ? "The provided PaymentMethod is attached to a Customer. Provide the customer it is attached to."
                : "The provided PaymentMethod was previously attached to a different Customer.")
        case .attached, .unattached:
            return method
        }
    }

    /// A saved PaymentMethod paid once without a customer cannot be used again.
    func spendIfUnattached(_ method: PaymentMethod) async throws {
        guard method.state == .unattached else { return }
        var spent = method
        spent.state = .spent
        try await PaymentMethodRows.update(spent, from: method, on: connection)
    }

    /// The PaymentMethod a reference names, locked: a saved one, or a new one minted from a named test
    /// PaymentMethod or token.
    func savedPaymentMethod(_ reference: String, param: String) async throws -> PaymentMethod {
        if Self.isSavedPaymentMethodID(reference) {
            guard let found = try await PaymentMethodRows.find(reference, account: accountID, on: connection,
                                                               forUpdate: true)
            else { throw StripeError.noSuch(reference.hasPrefix("card_") ? "source" : "PaymentMethod", reference, param: param) }
            return found
        }
        guard reference.hasPrefix("pm_card_") || reference.hasPrefix("tok_") else {
            throw StripeError.noSuch("PaymentMethod", reference, param: param)
        }
        return try await createPaymentMethod(PaymentMethodCreation(card: .reference(reference)))
    }

    /// A `pm_` id Remit stored, as opposed to Stripe's named test PaymentMethods (`pm_card_visa`), or a customer's
    /// card source (`card_`).
    static func isSavedPaymentMethodID(_ id: String) -> Bool {
        (id.hasPrefix("pm_") && !id.hasPrefix("pm_card_")) || id.hasPrefix("card_")
    }

    static func spentPaymentMethod(param: String) -> StripeError {
        StripeError.invalid(param, "This PaymentMethod was previously used without being attached to a Customer or was detached from a Customer, and may not be used again.")
    }
}

extension PaymentMethod {
    /// What the processor needs to answer for this card again.
    var savedCard: SavedCard {
        SavedCard(paymentMethodID: id, card: card, issuerPrefix: issuerPrefix, isNamedTestInstrument: isNamedTestInstrument)
    }
}
