import RemitApp
import RemitSQL
import RemitStore
import RemitTesting
import Testing

/// `remit verify` proves the money: each kind of violation, written straight into a store, is reported.
struct LedgerVerifyTests {
    enum Violation: String, CaseIterable, Sendable {
        case refundsBeyondTheCapture, secondWithdrawal, reinstatementOfAnOpenDispute, secondReinstatement
        case transactionWithoutSource, transactionOfUnknownType
        case intentReceivingLessThanCaptured, intentCapturingWhatIsNotHeld, secondSuccessfulChargeOfAnIntent
    }

    static let cases: [(TestEngine, Violation)] = TestEngine.available.flatMap { engine in
        Violation.allCases.map { (engine, $0) }
    }

    @Test(arguments: cases)
    func verifyReportsEachViolation(engine: TestEngine, violation: Violation) async throws {
        let app = try await RemitTestApp.make(engine)
        let database = app.runtime.store.database
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let paid = try await client.post("/v1/charges", [
                ("amount", "5000"), ("currency", "usd"), ("source", "tok_visa"),
            ], key: merchant.key)
            _ = try await client.post("/v1/refunds", [("charge", paid.id), ("amount", "1000")], key: merchant.key)
            let disputed = try await client.post("/v1/charges", [
                ("amount", "3000"), ("currency", "usd"), ("source", "tok_createDispute"),
            ], key: merchant.key)
            let disputes = try await client.get("/v1/disputes", [("charge", disputed.id)], key: merchant.key)
            let disputeID = try #require((disputes["data"] as? [[String: Any]])?.first?["id"] as? String)
            if violation == .secondReinstatement {
                let won = try await client.post("/v1/disputes/\(disputeID)", [
                    ("evidence[uncategorized_text]", "winning_evidence"), ("submit", "true"),
                ], key: merchant.key)
                #expect(won["status"] as? String == "won")
            }
            let received = try await client.post("/v1/payment_intents", [
                ("amount", "4000"), ("currency", "usd"), ("payment_method", "pm_card_visa"), ("confirm", "true"),
                ("payment_method_types[]", "card"),
            ], key: merchant.key)
            let held = try await client.post("/v1/payment_intents", [
                ("amount", "2500"), ("currency", "usd"), ("payment_method", "pm_card_visa"), ("confirm", "true"),
                ("payment_method_types[]", "card"), ("capture_method", "manual"),
            ], key: merchant.key)
            #expect(received["status"] as? String == "succeeded" && held["status"] as? String == "requires_capture")
            let before = try await LedgerVerifier(database: database).verify()
            #expect(before.isConsistent, "\(before.problems)")

            let expected: String
            switch violation {
            case .refundsBeyondTheCapture:
                try await Self.insertRefund(of: paid.id, amount: 4500, account: merchant.id, database)
                expected = "charge \(paid.id) captured 5000 but refunds took 5500"
            case .secondWithdrawal:
                try await Self.drop("balance_transactions_dispute_withdrawal_once", database)
                try await Self.insertTransaction(amount: -3000, type: "adjustment", category: "dispute",
                                                 source: disputeID, account: merchant.id, database)
                expected = "dispute \(disputeID) (needs_response) has 2 withdrawals"
            case .reinstatementOfAnOpenDispute:
                try await Self.insertTransaction(amount: 3000, type: "adjustment", category: "dispute_reversal",
                                                 source: disputeID, account: merchant.id, database)
                expected = "dispute \(disputeID) (needs_response) has 1 reinstatement(s)"
            case .secondReinstatement:
                try await Self.drop("balance_transactions_dispute_reinstatement_once", database)
                try await Self.insertTransaction(amount: 3000, type: "adjustment", category: "dispute_reversal",
                                                 source: disputeID, account: merchant.id, database)
                expected = "dispute \(disputeID) (won) has 2 reinstatement(s)"
            case .transactionWithoutSource:
                try await Self.insertTransaction(amount: 700, type: "charge", category: "charge",
                                                 source: "ch_nowhere", account: merchant.id, database)
                expected = "(charge) has no source object ch_nowhere"
            case .transactionOfUnknownType:
                try await Self.insertTransaction(amount: -700, type: "payout", category: "payout",
                                                 source: paid.id, account: merchant.id, database)
                expected = "(payout) has no source object \(paid.id)"
            case .intentReceivingLessThanCaptured:
                try await Self.execute("UPDATE payment_intents SET amount_received = 3900 WHERE id = \(received.id)", database)
                expected = "payment intent \(received.id) (succeeded) received 3900 but its charges captured 4000"
            case .intentCapturingWhatIsNotHeld:
                try await Self.execute("UPDATE payment_intents SET amount_capturable = 2600, amount = 2600 WHERE id = \(held.id)",
                                       database)
                expected = "payment intent \(held.id) (requires_capture) can capture 2600 but its charge holds 2500"
            case .secondSuccessfulChargeOfAnIntent:
                try await Self.drop("charges_one_success_per_intent", database)
                try await Self.execute("UPDATE charges SET payment_intent_id = \(received.id) WHERE id = \(paid.id)", database)
                expected = "payment intent \(received.id) (succeeded) received 4000 but its charges captured 9000"
            }
            let after = try await LedgerVerifier(database: database).verify()
            #expect(!after.isConsistent)
            #expect(after.problems.contains { $0.contains(expected) }, "\(after.problems)")
        }
    }

    /// A balance transaction and the balance it moves (so only the invariant under test breaks).
    static func insertTransaction(amount: Int64, type: String, category: String, source: String, account: String,
                                  _ database: any SQLDatabase) async throws {
        let id = "txn_injected_\(type)_\(source)_\(amount)"
        try await database.write { connection in
            try await connection.execute("""
                INSERT INTO balance_transactions (id, account_id, created, amount, currency, fee, net, type,
                    reporting_category, source_id, available_on, description, livemode)
                VALUES (\(id), \(account), 0, \(amount), 'usd', 0, \(amount), \(type), \(category), \(source), 0,
                    'injected by a test', 0)
                """)
            try await connection.execute("""
                INSERT INTO balances (account_id, currency, shard, amount) VALUES (\(account), 'usd', 0, \(amount))
                ON CONFLICT (account_id, currency, shard) DO UPDATE SET amount = balances.amount + excluded.amount
                """)
        }
    }

    /// A refund row with its balance transaction, past what the charge has left.
    static func insertRefund(of charge: String, amount: Int64, account: String, _ database: any SQLDatabase) async throws {
        let refund = "re_injected_\(charge)"
        try await insertTransaction(amount: -amount, type: "refund", category: "refund", source: refund,
                                    account: account, database)
        try await database.write { connection in
            try await connection.execute("""
                INSERT INTO refunds (id, account_id, created, charge_id, amount, currency, status, reason,
                    balance_transaction_id, metadata, livemode)
                VALUES (\(refund), \(account), 0, \(charge), \(amount), 'usd', 'succeeded', NULL,
                    \("txn_injected_refund_\(refund)_\(-amount)"), '{}', 0)
                """)
        }
    }

    static func execute(_ statement: SQL, _ database: any SQLDatabase) async throws {
        try await database.write { connection in try await connection.execute(statement) }
    }

    /// A store from before the guard: its unique index is gone.
    static func drop(_ index: String, _ database: any SQLDatabase) async throws {
        try await database.write { connection in try await connection.execute("DROP INDEX \(raw: index)") }
    }
}
