import Foundation
import RemitCore
import RemitProcessor
import RemitSQL

extension LedgerTransaction {
    public func createProduct(_ fields: ProductFields) async throws -> Product {
        guard let name = fields.name, !name.isEmpty else { throw StripeError.missing("name") }
        let metadata = try fields.metadata?.applied(to: Metadata()) ?? Metadata()
        let product = Product(
            id: ledger.ids("prod"), accountID: accountID, created: now, updated: now, name: name,
            description: fields.description.flatMap { $0.isEmpty ? nil : $0 }, active: fields.active ?? true,
            defaultPriceID: nil, metadata: metadata, livemode: context.livemode)
        try await insert(product)
        try await emit("product.created", product.json, id: product.id)
        return product
    }

    public func updateProduct(_ id: String, _ fields: ProductFields) async throws -> Product {
        guard var product = try await reader.product(id) else { throw StripeError.noSuch("product", id) }
        let previous = product.json
        if let name = fields.name {
            guard !name.isEmpty else { throw StripeError.invalid("name", "A product's name cannot be empty.") }
            product.name = name
        }
        if let description = fields.description { product.description = description.isEmpty ? nil : description }
        if let active = fields.active { product.active = active }
        if let priceID = fields.defaultPriceID {
            guard let price = try await reader.price(priceID), price.productID == id else {
                throw StripeError.noSuch("price", priceID, param: "default_price")
            }
            product.defaultPriceID = priceID
        }
        if let metadata = fields.metadata { product.metadata = try metadata.applied(to: product.metadata) }
        product.updated = now
        try await connection.execute("""
            UPDATE products SET name = \(product.name), description = \(product.description), active = \(product.active),
                default_price_id = \(product.defaultPriceID), metadata = \(product.metadata.storageText),
                updated = \(product.updated)
            WHERE id = \(id) AND account_id = \(accountID)
            """)
        try await emit("product.updated", product.json, id: product.id, previous: previous)
        return product
    }

    public func createPrice(_ request: PriceRequest) async throws -> Price {
        var productID = request.productID
        if let name = request.newProductName {
            var fields = ProductFields()
            fields.name = name
            productID = try await createProduct(fields).id
        }
        guard let productID else { throw StripeError.missing("product") }
        guard try await reader.product(productID) != nil else {
            throw StripeError.noSuch("product", productID, param: "product")
        }
        let price = Price(
            id: ledger.ids("price"), accountID: accountID, created: now, productID: productID,
            currency: request.currency, unitAmount: request.unitAmount, interval: request.interval,
            intervalCount: request.intervalCount, active: true, nickname: request.nickname,
            metadata: request.metadata, livemode: context.livemode)
        try await connection.execute("""
            INSERT INTO prices (id, account_id, created, product_id, currency, unit_amount, recurring_interval,
                recurring_interval_count, active, nickname, metadata, livemode)
            VALUES (\(price.id), \(accountID), \(price.created), \(price.productID), \(price.currency.code),
                \(price.unitAmount), \(price.interval?.rawValue), \(price.intervalCount), \(price.active),
                \(price.nickname), \(price.metadata.storageText), \(price.livemode))
            """)
        try await emit("price.created", price.json, id: price.id)
        return price
    }

    /// Creates a subscription and charges its first period now. A declined first charge leaves it
    /// `incomplete` (Stripe's default `payment_behavior=allow_incomplete`); the failed charge is kept.
    public func createSubscription(_ request: SubscriptionRequest) async throws -> (Subscription, [Price]) {
        guard let customer = try await reader.customer(request.customerID) else {
            throw StripeError.noSuch("customer", request.customerID, param: "customer")
        }
        var prices: [Price] = []
        for (index, item) in request.items.enumerated() {
            guard let price = try await reader.price(item.priceID) else {
                throw StripeError.noSuch("price", item.priceID, param: "items[\(index)][price]")
            }
            guard price.interval != nil, price.active else {
                throw StripeError.invalid("items[\(index)][price]", "The price \(price.id) is not an active recurring price.")
            }
            if let first = prices.first,
               first.currency != price.currency || first.interval != price.interval || first.intervalCount != price.intervalCount
            {
                throw StripeError.invalid("items[\(index)][price]",
                                          "All prices of a subscription must share one currency and billing interval.")
            }
            prices.append(price)
        }
        guard let first = prices.first, let interval = first.interval else { throw StripeError.missing("items") }
        var total: Int64 = 0
        for (price, item) in zip(prices, request.items) {
            let (line, overflow) = price.unitAmount.multipliedReportingOverflow(by: item.quantity)
            let (sum, overflowSum) = total.addingReportingOverflow(line)
            guard !overflow, !overflowSum, sum <= Currency.maximumAmount else {
                throw StripeError.invalid("items", "The subscription's amount is too large.", code: "amount_too_large")
            }
            total = sum
        }
        let method = request.defaultPaymentMethod ?? customer.invoiceDefault
        var subscription = Subscription(
            id: ledger.ids("sub"), accountID: accountID, created: now, customerID: customer.id, status: .active,
            items: request.items.map { Subscription.Item(id: ledger.ids("si"), priceID: $0.priceID, quantity: $0.quantity) },
            currency: first.currency, defaultPaymentMethod: request.defaultPaymentMethod, currentPeriodStart: now,
            currentPeriodEnd: BillingPeriod.end(from: now, interval: interval, count: first.intervalCount),
            metadata: request.metadata, livemode: context.livemode)
        if total > 0 {
            guard let method else {
                throw StripeError(type: .invalidRequest, code: "resource_missing",
                                  message: "This customer has no attached payment source or default payment method.",
                                  param: "default_payment_method")
            }
            var charge = ChargeRequest(amount: total, currency: first.currency)
            charge.customerID = customer.id
            charge.instrument = .reference(method)
            charge.instrumentParam = "default_payment_method"
            charge.description = "Subscription creation"
            let result = try await createCharge(charge)
            subscription.latestChargeID = result.charge.id
            if result.decline != nil { subscription.status = .incomplete }
        }
        try await insert(subscription)
        try await emit("customer.subscription.created", try await subscriptionJSON(subscription), id: subscription.id)
        return (subscription, prices)
    }

    public func updateSubscription(_ id: String, _ update: SubscriptionUpdate) async throws -> Subscription {
        var subscription = try await lockedRow(.subscriptions, id, Subscription.init(row:))
        let found = subscription.status
        guard !subscription.status.isFinal else {
            throw StripeError.invalid("subscription", "A canceled subscription can only update its metadata.")
        }
        var previous: [(String, JSONValue)] = []
        if let cancel = update.cancelAtPeriodEnd, cancel != subscription.cancelAtPeriodEnd {
            previous.append(("cancel_at_period_end", .bool(subscription.cancelAtPeriodEnd)))
            subscription.cancelAtPeriodEnd = cancel
        }
        if let method = update.defaultPaymentMethod, method != subscription.defaultPaymentMethod {
            if !method.isEmpty {
                _ = try await paymentCard(.reference(method), customerID: subscription.customerID,
                                          param: "default_payment_method")
            }
            previous.append(("default_payment_method", .optional(subscription.defaultPaymentMethod)))
            subscription.defaultPaymentMethod = method.isEmpty ? nil : method
        }
        try update.metadata?.apply(to: &subscription.metadata, recordingIn: &previous)
        guard !previous.isEmpty else { return subscription }
        try await save(subscription, from: found)
        try await emit("customer.subscription.updated", try await subscriptionJSON(subscription), id: id,
                       previous: .object(previous))
        return subscription
    }

    /// Cancels at once (`DELETE /v1/subscriptions/{id}`).
    public func cancelSubscription(_ id: String) async throws -> Subscription {
        var subscription = try await lockedRow(.subscriptions, id, Subscription.init(row:))
        let found = subscription.status
        guard !subscription.status.isFinal else {
            throw StripeError.invalid("subscription", "This subscription is already canceled.")
        }
        subscription.status = .canceled
        subscription.canceledAt = now
        subscription.endedAt = now
        try await save(subscription, from: found)
        try await emit("customer.subscription.deleted", try await subscriptionJSON(subscription), id: id)
        return subscription
    }

    func subscriptionJSON(_ subscription: Subscription) async throws -> JSONValue {
        try await reader.subscriptionJSON(subscription)
    }

    private func insert(_ product: Product) async throws {
        try await connection.execute("""
            INSERT INTO products (id, account_id, created, updated, name, description, active, default_price_id,
                metadata, livemode)
            VALUES (\(product.id), \(accountID), \(product.created), \(product.updated), \(product.name),
                \(product.description), \(product.active), \(product.defaultPriceID), \(product.metadata.storageText),
                \(product.livemode))
            """)
    }

    private func insert(_ subscription: Subscription) async throws {
        let s = subscription
        try await connection.execute("""
            INSERT INTO subscriptions (id, account_id, created, customer_id, status, items, currency,
                default_payment_method, current_period_start, current_period_end, cancel_at_period_end, canceled_at,
                ended_at, latest_charge_id, metadata, livemode)
            VALUES (\(s.id), \(accountID), \(s.created), \(s.customerID), \(s.status.rawValue), \(s.itemsText), \(s.currency.code),
                \(s.defaultPaymentMethod), \(s.currentPeriodStart), \(s.currentPeriodEnd), \(s.cancelAtPeriodEnd),
                \(s.canceledAt), \(s.endedAt), \(s.latestChargeID), \(s.metadata.storageText), \(s.livemode))
            """)
    }

    /// Writes the subscription back, only from the status it was read in (a compare-and-set).
    /// Compare-and-set on the status read under the row lock; a status change must be one Stripe allows.
    private func save(_ subscription: Subscription, from found: SubscriptionStatus) async throws {
        let s = subscription
        precondition(s.status == found || found.canTransition(to: s.status),
                     "a subscription moves from \(found.rawValue) to \(s.status.rawValue) only as SubscriptionStatus allows")
        let changed = try await connection.execute("""
            UPDATE subscriptions SET status = \(s.status.rawValue), default_payment_method = \(s.defaultPaymentMethod),
                cancel_at_period_end = \(s.cancelAtPeriodEnd), canceled_at = \(s.canceledAt), ended_at = \(s.endedAt),
                metadata = \(s.metadata.storageText)
            WHERE id = \(s.id) AND account_id = \(accountID) AND status = \(found.rawValue)
            """)
        try RowLock.expectOneChanged(changed)
    }
}

/// Billing period arithmetic in UTC (month ends clamp: Jan 31 + 1 month = Feb 28/29).
public enum BillingPeriod {
    public static func end(from start: Int64, interval: Price.Interval, count: Int64) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = Date(timeIntervalSince1970: TimeInterval(start))
        let component: Calendar.Component = switch interval {
        case .day: .day
        case .week: .weekOfYear
        case .month: .month
        case .year: .year
        }
        let end = calendar.date(byAdding: component, value: Int(count), to: date) ?? date
        return Int64(end.timeIntervalSince1970)
    }
}
