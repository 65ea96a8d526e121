import Foundation
import Logging
import Prometheus
import RemitAPI
@testable import RemitApp
import RemitCore
import RemitFraud
import RemitSQL
import RemitTesting
import Testing

struct FraudDriftTests {
    static func insert(_ database: any SQLDatabase, prefix: String, at time: Int64, amounts: [Float]) async throws {
        let rows: [SQL] = amounts.enumerated().map { index, amount in
            var inputs = FeatureInputs(amount: Double(amount))
            inputs.attemptsLastDay = index % 3
            let vector = FeatureVector(inputs)
            return "(\(prefix + String(index)), \("acct_d"), \("k"), \(time - Int64(index)), \(Double(amount)), \(true), \(vector.json), \(0.1), \("approve"), \(true))"
        }
        _ = try await database.write { connection in
            try await connection.execute("""
                INSERT INTO fraud_features (charge_id, account_id, risk_key, created, amount_major, approved, vector, score,
                    decision, applied) VALUES
                """ + SQL.join(rows, separator: ", "))
        }
    }

    @Test(arguments: TestEngine.available)
    func aShiftedAmountShowsInThePSIGauges(engine: TestEngine) async throws {
        let now: Int64 = 1_790_000_000
        let app = try await RemitTestApp.make(engine, clock: WallClock { Date(timeIntervalSince1970: TimeInterval(now)) })
        try await app.test { _ in
            let database = app.runtime.store.database
            try await Self.insert(database, prefix: "ref", at: now - 10 * 86_400, amounts: (0..<400).map { Float($0 % 100) })
            try await Self.insert(database, prefix: "live", at: now - 600, amounts: (0..<400).map { Float($0 % 100 + 70) })
            let monitor = FraudDriftMonitor(
                ledger: app.runtime.ledger, registry: app.runtime.metrics.registry, ready: app.runtime.ready,
                interval: .seconds(300), logger: Logger(label: "test"))
            #expect(try await monitor.measure())
            var buffer: [UInt8] = []
            app.runtime.metrics.registry.emit(into: &buffer)
            let text = String(decoding: buffer, as: UTF8.self)
            let amountLine = try #require(text.split(separator: "\n").first { $0.hasPrefix("remit_fraud_feature_psi_ratio{feature=\"amount\"}") })
            let amountPSI = try #require(Double(amountLine.split(separator: " ").last ?? ""))
            #expect(amountPSI > 0.25)
            let velocityLine = try #require(text.split(separator: "\n").first { $0.hasPrefix("remit_fraud_feature_psi_ratio{feature=\"velocity_24h\"}") })
            #expect((Double(velocityLine.split(separator: " ").last ?? "") ?? 1) < 0.05)
            #expect(text.contains("remit_fraud_score_psi_ratio"))
        }
    }
}
