import Foundation
@testable import RemitETL
import Testing

struct QualityRulesTests {
    /// A row image of `table` with every column filled, then `values` on top (`nil` = JSON null).
    static func image(_ table: String, _ values: [String: Any?]) -> String {
        let staged = StagedTable.all.first { $0.name == table }!
        var object: [String: Any] = [:]
        for column in staged.columns {
            switch column.type {
            case .text: object[column.name] = column.name == "currency" || column.name == "default_currency" ? "usd" : "x"
            case .integer: object[column.name] = 1000
            case .flag: object[column.name] = 0
            case .time: object[column.name] = 1_764_000_000
            }
        }
        for (key, value) in values { object[key] = value ?? NSNull() }
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    static func rows(_ table: String, _ images: [(key: String, values: [String: Any?])]) throws -> StagedRows {
        let staged = StagedTable.all.first { $0.name == table }!
        let changes = images.enumerated().map { index, image in
            NetChange(table: staged.source, key: image.key, kind: .upsert,
                      rowData: Self.image(table, ["id": image.key].merging(image.values) { $1 }),
                      lsn: Int64(index + 1), changedAt: "2026-11-05T10:00:00.000Z", changeID: Int64(index + 1))
        }
        return try StagedRows(staged, parsing: changes)
    }

    @Test func badRowsAreQuarantinedWithTheirReasonAndTheRestIsAccepted() throws {
        let payments = try Self.rows("payment", [
            ("ch_ok", ["amount": 5000, "amount_refunded": 0]),
            ("ch_zero", ["amount": 0]),
            ("ch_money", ["currency": "zzz"]),
            ("ch_null", ["status": nil]),
            ("ch_type", ["amount": "lots"]),
            ("ch_over", ["amount": 100, "amount_refunded": 200]),
        ])
        let refunds = try Self.rows("refund", [
            ("re_1", ["charge_id": "ch_ok", "amount": 3000, "created": 1_764_000_001]),
            ("re_2", ["charge_id": "ch_ok", "amount": 3000, "created": 1_764_000_002]),
            ("re_old", ["charge_id": "ch_loaded", "amount": 600]),
            ("re_orphan", ["charge_id": "ch_zero", "amount": 10]),
            ("re_gone", ["charge_id": "ch_nowhere", "amount": 10]),
        ])
        let disputes = try Self.rows("dispute", [
            ("dp_ok", ["charge_id": "ch_loaded", "amount": 1000]),
            ("dp_big", ["charge_id": "ch_ok", "amount": 5001]),
        ])
        var known = QualityRules.KnownCharges()
        known.charges["ch_loaded"] = (1000, "usd")
        known.refunded["ch_loaded"] = 500
        let tables = ["payment": payments, "refund": refunds, "dispute": disputes]
        #expect(QualityRules.chargesToLookUp(tables) == ["ch_loaded", "ch_nowhere"])
        let outcome = QualityRules().judge(tables, known: known)
        let reasons = Dictionary(uniqueKeysWithValues: outcome.quarantined.map { ($0.key, $0.reason) })
        #expect(reasons["ch_zero"] == "amount 0 is not positive")
        #expect(reasons["ch_money"] == "unknown currency zzz")
        #expect(reasons["ch_null"] == "required column status is null")
        #expect(reasons["ch_type"] == "column amount is not an integer")
        #expect(reasons["ch_over"] == "amount_refunded 200 exceeds the amount 100")
        #expect(reasons["re_1"] == nil, "3,000 of 5,000 refunded")
        #expect(reasons["re_2"] == "refunds of ch_ok add up to 6000, over its amount 5000", "the refund that goes over")
        #expect(reasons["re_old"] == "refunds of ch_loaded add up to 1100, over its amount 1000",
                "refunds loaded by earlier runs count")
        #expect(reasons["re_orphan"]?.contains("quarantined or not in the warehouse") == true, "its charge was rejected")
        #expect(reasons["re_gone"]?.contains("ch_nowhere") == true)
        #expect(reasons["dp_big"] == "the dispute's amount 5001 exceeds its charge's 5000")
        #expect(reasons["dp_ok"] == nil)
        #expect(outcome.accepted["payment"]?.changes.map(\.key) == ["ch_ok"])
        #expect(outcome.accepted["refund"]?.changes.map(\.key) == ["re_1"])
        #expect(outcome.accepted["dispute"]?.changes.map(\.key) == ["dp_ok"])
        #expect(outcome.judged == 13 && outcome.quarantined.count == 10)
        let zero = try #require(outcome.quarantined.first { $0.key == "ch_zero" })
        #expect(zero.changeID == payments.changes.first { $0.key == "ch_zero" }?.changeID && zero.changeID > 0,
                "the quarantine points at the image as it came (read back from the change capture)")
    }

    @Test func rowsSharingAnIDAreBothRejectedAndUnknownColumnsStopTheRun() throws {
        let staged = StagedTable.all.first { $0.name == "customer" }!
        let changes = ["cus_a", "cus_b"].enumerated().map { index, key in
            NetChange(table: "customers", key: key, kind: .upsert, rowData: Self.image("customer", ["id": "cus_same"]),
                      lsn: Int64(index), changedAt: "2026-11-05T10:00:00.000Z")
        }
        let outcome = QualityRules().judge(["customer": try StagedRows(staged, parsing: changes)], known: .init())
        #expect(outcome.quarantined.map(\.reason) == ["duplicate id cus_same", "duplicate id cus_same"])
        #expect(outcome.rate == 1)

        let surprise = NetChange(table: "customers", key: "cus_c", kind: .upsert,
                                 rowData: Self.image("customer", ["loyalty_tier": "gold"]), lsn: 1, changedAt: "")
        #expect(throws: LakeStager.SchemaChange.self) { _ = try StagedRows(staged, parsing: [surprise]) }
        var missing = try JSONSerialization.jsonObject(with: Data(Self.image("customer", [:]).utf8)) as! [String: Any]
        missing["email"] = nil
        missing["account_id"] = nil
        let lacking = NetChange(table: "customers", key: "cus_d", kind: .upsert,
                                rowData: String(decoding: try JSONSerialization.data(withJSONObject: missing), as: UTF8.self),
                                lsn: 1, changedAt: "")
        do {
            _ = try StagedRows(staged, parsing: [lacking])
            Issue.record("a missing required column must stop the run")
        } catch let change as LakeStager.SchemaChange {
            #expect(change.missing == ["account_id"], "an optional column may be absent (email); a required one may not")
        }
    }

    @Test func fullJitterStaysUnderTheExponentialBound() {
        var policy = RetryPolicy(retries: 3, base: .seconds(2), cap: .seconds(60))
        policy.uniform = { 0.999_999 }
        #expect(policy.delay(afterAttempt: 0) < .seconds(2))
        #expect(policy.delay(afterAttempt: 0) > .milliseconds(1999))
        #expect(policy.delay(afterAttempt: 2) > .milliseconds(7999) && policy.delay(afterAttempt: 2) < .seconds(8))
        #expect(policy.delay(afterAttempt: 10) < .seconds(60), "capped")
        policy.uniform = { 0 }
        #expect(policy.delay(afterAttempt: 5) == .zero, "full jitter may not wait at all")
    }
}
