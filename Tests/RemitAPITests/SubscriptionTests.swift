import Foundation
import RemitTesting
import Testing

struct SubscriptionTests {
    @Test(arguments: TestEngine.available)
    func firstPeriodIsChargedAtCreation(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let product = try await client.post("/v1/products", [("name", "Pro plan")], key: merchant.key)
            #expect(product["object"] as? String == "product")
            let price = try await client.post("/v1/prices", [
                ("product", product.id), ("currency", "usd"), ("unit_amount", "1500"),
                ("recurring[interval]", "month"),
            ], key: merchant.key)
            #expect((price["recurring"] as? [String: Any])?["interval"] as? String == "month")
            let customer = try await client.post("/v1/customers", [
                ("email", "sub@example.com"), ("payment_method", "pm_card_visa"),
                ("invoice_settings[default_payment_method]", "pm_card_visa"),
            ], key: merchant.key)
            let subscription = try await client.post("/v1/subscriptions", [
                ("customer", customer.id), ("items[0][price]", price.id), ("items[0][quantity]", "2"),
            ], key: merchant.key)
            #expect(subscription.status == 200)
            #expect(subscription["status"] as? String == "active")
            let start = try #require(subscription["current_period_start"] as? Int)
            let end = try #require(subscription["current_period_end"] as? Int)
            #expect((28 * 86_400...31 * 86_400).contains(end - start))
            let chargeID = try #require(subscription["latest_charge"] as? String)
            let charge = try await client.get("/v1/charges/\(chargeID)", key: merchant.key)
            #expect(charge["amount"] as? Int == 3000)
            #expect(charge["customer"] as? String == customer.id)
            let canceled = try await client.delete("/v1/subscriptions/\(subscription.id)", key: merchant.key)
            #expect(canceled["status"] as? String == "canceled")
            let events = try await client.get("/v1/events", [("type", "customer.subscription.*")], key: merchant.key)
            let types = ((events["data"] as? [[String: Any]]) ?? []).compactMap { $0["type"] as? String }
            #expect(Set(types) == ["customer.subscription.created", "customer.subscription.deleted"])
        }
    }

    @Test(arguments: TestEngine.available)
    func declinedFirstChargeLeavesItIncomplete(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let price = try await client.post("/v1/prices", [
                ("product_data[name]", "Basic"), ("currency", "eur"), ("unit_amount", "900"),
                ("recurring[interval]", "year"),
            ], key: merchant.key)
            // 4000000000000341 attaches to a customer and declines when charged.
            let customer = try await client.post("/v1/customers", [
                ("payment_method", "pm_card_chargeCustomerFail"),
                ("invoice_settings[default_payment_method]", "pm_card_chargeCustomerFail"),
            ], key: merchant.key)
            let subscription = try await client.post("/v1/subscriptions", [
                ("customer", customer.id), ("items[0][price]", price.id),
            ], key: merchant.key)
            #expect(subscription.status == 200)
            #expect(subscription["status"] as? String == "incomplete")
            let failed = try await client.get("/v1/charges/\(subscription["latest_charge"] as? String ?? "")", key: merchant.key)
            #expect(failed["status"] as? String == "failed")
            let oneTime = try await client.post("/v1/prices", [
                ("product_data[name]", "Once"), ("currency", "eur"), ("unit_amount", "900"),
            ], key: merchant.key)
            let rejected = try await client.post("/v1/subscriptions", [
                ("customer", customer.id), ("items[0][price]", oneTime.id),
            ], key: merchant.key)
            #expect(rejected.status == 400)
            #expect(rejected.error["param"] as? String == "items[0][price]")
        }
    }
}
