import Foundation
import RemitApp
import RemitStore
import RemitTesting
import Testing

/// Customer sources (issue #22 §6, research/payment-intents.md §6): tokens become `card_` sources, the first the
/// `default_source` a charge naming only the customer pays with.
struct CustomerSourceTests {
    @Test(arguments: TestEngine.available)
    func sourcesAreAddedChargedUpdatedAndDeletedWithTheirDefault(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let customer = try await client.post("/v1/customers", [("email", "s@example.com")], key: merchant.key)
            let path = "/v1/customers/\(customer.id)/sources"
            let noCard = try await client.post("/v1/charges", [("amount", "500"), ("currency", "usd"), ("customer", customer.id)],
                                               key: merchant.key)
            #expect(noCard.status == 402 && noCard.error["code"] as? String == "missing" && noCard.error["param"] as? String == "card")

            let first = try await client.post(path, [("source", "tok_visa"), ("metadata[k]", "v")], key: merchant.key)
            #expect(first.status == 200, "\(first.body)")
            #expect(first.id.hasPrefix("card_") && first["object"] as? String == "card")
            #expect(first["customer"] as? String == customer.id && first["brand"] as? String == "Visa")
            #expect((first["metadata"] as? [String: Any])?["k"] as? String == "v")
            let second = try await client.post(path, [("source", "tok_mastercard")], key: merchant.key)
            #expect(second["brand"] as? String == "MasterCard")
            let withDefault = try await client.get("/v1/customers/\(customer.id)", key: merchant.key)
            #expect(withDefault["default_source"] as? String == first.id, "the first source is the default; a second leaves it")
            #expect(try await PaymentIntentTests.events(client, merchant.key, "customer.source.*")
                    == ["customer.source.created", "customer.source.created"])

            let charged = try await client.post("/v1/charges", [("amount", "700"), ("currency", "usd"), ("customer", customer.id)],
                                                key: merchant.key)
            #expect(charged.status == 200 && (charged["source"] as? [String: Any])?["id"] as? String == first.id,
                    "a charge naming the customer pays with its default source: \(charged.body)")
            let chosen = try await client.post("/v1/charges", [
                ("amount", "800"), ("currency", "usd"), ("customer", customer.id), ("source", second.id),
            ], key: merchant.key)
            #expect((chosen["source"] as? [String: Any])?["id"] as? String == second.id)
            let alone = try await client.post("/v1/charges", [("amount", "800"), ("currency", "usd"), ("source", second.id)],
                                              key: merchant.key)
            #expect(alone.status == 400, "a customer's card is charged with its customer")

            let listed = try await client.get(path, [("object", "card")], key: merchant.key)
            #expect(Set(((listed["data"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }) == [first.id, second.id])
            let asMethods = try await client.get("/v1/customers/\(customer.id)/payment_methods", key: merchant.key)
            #expect(((asMethods["data"] as? [[String: Any]]) ?? []).count == 2, "legacy cards list among PaymentMethods")
            let other = try await client.post("/v1/customers", [], key: merchant.key)
            #expect(try await client.get("/v1/customers/\(other.id)/sources/\(first.id)", key: merchant.key).status == 404)

            let updated = try await client.post("\(path)/\(first.id)", [
                ("name", "Ada Lovelace"), ("address_zip", "94107"), ("exp_month", "4"), ("exp_year", "2033"),
            ], key: merchant.key)
            #expect(updated["name"] as? String == "Ada Lovelace" && updated["address_zip"] as? String == "94107")
            #expect(updated["exp_month"] as? Int == 4 && updated["exp_year"] as? Int == 2033)
            #expect(try await client.get("\(path)/\(first.id)", key: merchant.key)["address_zip"] as? String == "94107")

            let deleted = try await client.delete("\(path)/\(first.id)", key: merchant.key)
            #expect(deleted["deleted"] as? Bool == true && deleted.id == first.id)
            #expect(try await client.get("/v1/customers/\(customer.id)", key: merchant.key)["default_source"] as? String == second.id,
                    "the default moves to the remaining card")
            #expect(try await client.delete("\(path)/\(first.id)", key: merchant.key).status == 404)
            _ = try await client.delete("\(path)/\(second.id)", key: merchant.key)
            #expect(try await client.get("/v1/customers/\(customer.id)", key: merchant.key)["default_source"] is NSNull)
            #expect(try await PaymentIntentTests.events(client, merchant.key, "customer.source.*").suffix(3)
                    == ["customer.source.updated", "customer.source.deleted", "customer.source.deleted"])
        }
    }

    @Test(arguments: TestEngine.available)
    func aCustomersSourceParameterMakesAndReplacesItsDefault(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let customer = try await client.post("/v1/customers", [("source", "tok_visa")], key: merchant.key)
            let first = try #require(customer["default_source"] as? String)
            #expect(first.hasPrefix("card_"))
            let replaced = try await client.post("/v1/customers/\(customer.id)", [("source", "tok_amex")], key: merchant.key)
            let second = try #require(replaced["default_source"] as? String)
            #expect(second != first && second.hasPrefix("card_"))
            #expect(try await client.get("/v1/customers/\(customer.id)/sources/\(first)", key: merchant.key).status == 404,
                    "a new source replaces the default, which is deleted")
            let third = try await client.post("/v1/customers/\(customer.id)/sources", [("source", "tok_mastercard")],
                                              key: merchant.key)
            let chosen = try await client.post("/v1/customers/\(customer.id)", [("default_source", third.id)], key: merchant.key)
            #expect(chosen["default_source"] as? String == third.id)
            #expect(try await client.post("/v1/customers/\(customer.id)", [("default_source", first)],
                                          key: merchant.key).status == 404)
            let declined = try await client.post("/v1/customers/\(customer.id)/sources", [("source", "tok_chargeDeclined")],
                                                 key: merchant.key)
            #expect(declined.status == 402, "a declining card is refused, as Stripe refuses to save it")
        }
    }

    /// Two sources added at once to a customer without one: both are kept, exactly one becomes the default.
    @Test(arguments: TestEngine.available)
    func racingSourcesSetOneDefault(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            for _ in 0..<3 {
                let customer = try await client.post("/v1/customers", [], key: merchant.key)
                let added = try await withThrowingTaskGroup(of: APIResult.self) { group in
                    for _ in 0..<4 {
                        group.addTask {
                            try await client.post("/v1/customers/\(customer.id)/sources", [("source", "tok_visa")],
                                                  key: merchant.key)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(added.allSatisfy { $0.status == 200 }, "\(added.map(\.body))")
                let found = try await client.get("/v1/customers/\(customer.id)", key: merchant.key)
                #expect(added.map(\.id).contains(found["default_source"] as? String ?? ""))
            }
            let updates = try await PaymentIntentTests.events(client, merchant.key, "customer.updated")
            #expect(updates.count == 3, "one default set per customer, by a compare-and-set under the customer's lock")
            let report = try await LedgerVerifier(database: app.runtime.store.database).verify()
            #expect(report.isConsistent, "\(report.problems)")
        }
    }
}
