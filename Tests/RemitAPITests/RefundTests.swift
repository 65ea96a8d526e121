import Foundation
import RemitTesting
import Testing

struct RefundTests {
    @Test(arguments: TestEngine.available)
    func partialThenFullRefundAndNoMore(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let charge = try await client.post("/v1/charges", [
                ("amount", "1000"), ("currency", "usd"), ("source", "tok_visa"),
            ], key: merchant.key)
            let partial = try await client.post("/v1/refunds", [("charge", charge.id), ("amount", "400")], key: merchant.key)
            #expect(partial.status == 200)
            #expect(partial["amount"] as? Int == 400)
            let over = try await client.post("/v1/refunds", [("charge", charge.id), ("amount", "601")], key: merchant.key)
            #expect(over.status == 400)
            #expect(over.error["param"] as? String == "amount")
            let rest = try await client.post("/v1/refunds", [("charge", charge.id)], key: merchant.key)
            #expect(rest["amount"] as? Int == 600)
            let after = try await client.get("/v1/charges/\(charge.id)", key: merchant.key)
            #expect(after["refunded"] as? Bool == true)
            #expect(after["amount_refunded"] as? Int == 1000)
            let double = try await client.post("/v1/refunds", [("charge", charge.id)], key: merchant.key)
            #expect(double.status == 400)
            #expect(double.error["code"] as? String == "charge_already_refunded")
            let balance = try await client.get("/v1/balance", key: merchant.key)
            let available = (balance["available"] as? [[String: Any]])?.first?["amount"] as? Int ?? 0
            let pending = (balance["pending"] as? [[String: Any]])?.first?["amount"] as? Int ?? 0
            #expect(available + pending == 941 - 1000, "the fee is kept, refunds debit the full amount")
            let list = try await client.get("/v1/refunds", [("charge", charge.id)], key: merchant.key)
            #expect((list["data"] as? [Any])?.count == 2)
            let events = try await client.get("/v1/events", [("type", "charge.refunded")], key: merchant.key)
            let first = (events["data"] as? [[String: Any]])?.first
            let object = (first?["data"] as? [String: Any])?["object"] as? [String: Any]
            #expect(object?["object"] as? String == "charge", "charge.refunded carries the Charge")
        }
    }
}
