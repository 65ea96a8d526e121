import Foundation
import RemitApp
import RemitStore
import RemitTesting
import Testing

struct DisputeTests {
    @Test(arguments: TestEngine.available)
    func disputeCardOpensAChargebackThatWinningEvidenceReverses(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let charge = try await client.post("/v1/charges", [
                ("amount", "5000"), ("currency", "usd"), ("source", "tok_createDispute"),
            ], key: merchant.key)
            #expect(charge.status == 200)
            let disputed = try await client.get("/v1/charges/\(charge.id)", key: merchant.key)
            #expect(disputed["disputed"] as? Bool == true)
            let list = try await client.get("/v1/disputes", [("charge", charge.id)], key: merchant.key)
            let dispute = try #require((list["data"] as? [[String: Any]])?.first)
            let id = try #require(dispute["id"] as? String)
            #expect(dispute["status"] as? String == "needs_response")
            #expect(dispute["reason"] as? String == "fraudulent")
            let withdrawal = try #require((dispute["balance_transactions"] as? [[String: Any]])?.first)
            #expect(withdrawal["amount"] as? Int == -5000)
            #expect(withdrawal["fee"] as? Int == 1500)
            let won = try await client.post("/v1/disputes/\(id)", [
                ("evidence[uncategorized_text]", "winning_evidence"), ("submit", "true"),
            ], key: merchant.key)
            #expect(won["status"] as? String == "won")
            #expect((won["balance_transactions"] as? [Any])?.count == 2)
            let closedAgain = try await client.post("/v1/disputes/\(id)/close", key: merchant.key)
            #expect(closedAgain.status == 400)
            let balance = try await client.get("/v1/balance", key: merchant.key)
            let total = ((balance["available"] as? [[String: Any]]) ?? []).compactMap { $0["amount"] as? Int }.reduce(0, +)
                + ((balance["pending"] as? [[String: Any]]) ?? []).compactMap { $0["amount"] as? Int }.reduce(0, +)
            #expect(total == 5000 - 175 - 1500, "won back the amount; the fee is kept")
            let types = try await client.get("/v1/events", [("type", "charge.dispute.*")], key: merchant.key)
            let names = Set(((types["data"] as? [[String: Any]]) ?? []).compactMap { $0["type"] as? String })
            #expect(names == ["charge.dispute.created", "charge.dispute.funds_withdrawn", "charge.dispute.updated",
                              "charge.dispute.funds_reinstated", "charge.dispute.closed"])
        }
    }

    @Test(arguments: TestEngine.available)
    func acceptingOrLosingKeepsTheFundsWithdrawnAndInquiriesMoveNoMoney(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let lost = try await client.post("/v1/charges", [
                ("amount", "2000"), ("currency", "eur"), ("payment_method", "pm_card_createDisputeProductNotReceived"),
            ], key: merchant.key)
            let inquiry = try await client.post("/v1/charges", [
                ("amount", "2000"), ("currency", "eur"), ("payment_method", "pm_card_createDisputeInquiry"),
            ], key: merchant.key)
            let disputes = try await client.get("/v1/disputes", key: merchant.key)
            let rows = (disputes["data"] as? [[String: Any]]) ?? []
            let lostDispute = try #require(rows.first { $0["charge"] as? String == lost.id })
            let inquiryDispute = try #require(rows.first { $0["charge"] as? String == inquiry.id })
            #expect(lostDispute["reason"] as? String == "product_not_received")
            #expect(inquiryDispute["status"] as? String == "warning_needs_response")
            #expect((inquiryDispute["balance_transactions"] as? [Any])?.isEmpty == true)
            let accepted = try await client.post("/v1/disputes/\(lostDispute["id"] as? String ?? "")/close", key: merchant.key)
            #expect(accepted["status"] as? String == "lost")
            let closed = try await client.post("/v1/disputes/\(inquiryDispute["id"] as? String ?? "")/close", key: merchant.key)
            #expect(closed["status"] as? String == "warning_closed")
            let report = try await client.get("/v1/balance", key: merchant.key)
            let amounts = ((report["available"] as? [[String: Any]]) ?? []) + ((report["pending"] as? [[String: Any]]) ?? [])
            let total = amounts.compactMap { $0["amount"] as? Int }.reduce(0, +)
            #expect(total == 2 * (2000 - 88) - 2000 - 1500)
        }
    }

    @Test(arguments: TestEngine.available)
    func anOpenOrLostChargebackRefusesRefundsAndAnInquiryOrAWonOneDoesNot(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            func disputed(_ source: String) async throws -> (charge: String, dispute: String) {
                try await Self.disputedCharge(client, key: merchant.key, paymentMethod: source)
            }
            let open = try await disputed("pm_card_createDispute")
            let openDispute = try await client.get("/v1/disputes/\(open.dispute)", key: merchant.key)
            #expect(openDispute["is_charge_refundable"] as? Bool == false)
            let refused = try await client.post("/v1/refunds", [("charge", open.charge)], key: merchant.key)
            #expect(refused.status == 400)
            #expect(refused.error["code"] as? String == "charge_disputed")
            _ = try await client.post("/v1/disputes/\(open.dispute)/close", key: merchant.key)
            let afterLoss = try await client.post("/v1/refunds", [("charge", open.charge), ("amount", "100")], key: merchant.key)
            #expect(afterLoss.error["code"] as? String == "charge_disputed", "a lost chargeback keeps the money away")

            let inquiry = try await disputed("pm_card_createDisputeInquiry")
            #expect(try await client.get("/v1/disputes/\(inquiry.dispute)", key: merchant.key)["is_charge_refundable"] as? Bool == true)
            #expect(try await client.post("/v1/refunds", [("charge", inquiry.charge)], key: merchant.key).status == 200)

            let won = try await disputed("pm_card_createDispute")
            _ = try await client.post("/v1/disputes/\(won.dispute)", [
                ("evidence[uncategorized_text]", "winning_evidence"), ("submit", "true"),
            ], key: merchant.key)
            #expect(try await client.post("/v1/refunds", [("charge", won.charge)], key: merchant.key).status == 200)
            let report = try await LedgerVerifier(database: app.runtime.store.database).verify()
            #expect(report.isConsistent, "\(report.problems)")
        }
    }

    @Test(arguments: TestEngine.available)
    func racingSubmissionsOfWinningEvidenceReinstateTheFundsOnce(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let (_, dispute) = try await Self.disputedCharge(client, key: merchant.key, paymentMethod: "pm_card_createDispute")
            let results = try await withThrowingTaskGroup(of: APIResult.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        try await client.post("/v1/disputes/\(dispute)", [
                            ("evidence[uncategorized_text]", "winning_evidence"), ("submit", "true"),
                        ], key: merchant.key)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { $0.status == 200 }.count == 1, "\(results.map(\.status))")
            #expect(results.filter { $0.status != 200 }.allSatisfy { $0.error["code"] as? String == "charge_dispute_closed" },
                    "\(results.map(\.body))")
            let closed = try await client.get("/v1/disputes/\(dispute)", key: merchant.key)
            #expect((closed["balance_transactions"] as? [Any])?.count == 2, "one withdrawal, one reinstatement")
            let report = try await LedgerVerifier(database: app.runtime.store.database).verify()
            #expect(report.isConsistent, "\(report.problems)")
        }
    }

    /// A 5,000-cent charge with a dispute card, and its dispute.
    static func disputedCharge(_ client: APITestClient, key: String, paymentMethod: String) async throws
        -> (charge: String, dispute: String)
    {
        let charge = try await client.post("/v1/charges", [
            ("amount", "5000"), ("currency", "usd"), ("payment_method", paymentMethod),
        ], key: key)
        let list = try await client.get("/v1/disputes", [("charge", charge.id)], key: key)
        return (charge.id, try #require((list["data"] as? [[String: Any]])?.first?["id"] as? String))
    }
}
