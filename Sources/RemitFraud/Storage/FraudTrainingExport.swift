import Foundation
import RemitCore
import RemitSQL

/// The labelled vectors for training: every charge's stored vector (as computed at decision time, never
/// recomputed, so nothing from its future leaks in) with its label, for charges old enough that their
/// disputes have had time to arrive.
public struct FraudTrainingExport: Sendable {
    public let database: any SQLDatabase

    public init(database: any SQLDatabase) { self.database = database }

    public struct Summary: Sendable {
        public var rows = 0
        public var positives = 0
        /// Rows in the range left out because their labels are not mature yet.
        public var immature = 0
    }

    /// Writes CSV (the 13 features and `label`: 1 for a fraud dispute) for charges created in `since ..< until`
    /// and at least `maturity` seconds before `now`.
    public func export(since: Int64, until: Int64, maturity: Int64, now: Int64, to url: URL) async throws -> Summary {
        // At least `maturity` old: created <= now − maturity, i.e. created < now − maturity + 1.
        let matureBefore = min(until, now - maturity + 1)
        let rows = try await FraudRows.labelledVectors(since: since, until: matureBefore, on: database)
        let immature = try await database.read { connection in
            try await connection.queryFirst("""
                SELECT COUNT(*) AS n FROM fraud_features WHERE created >= \(max(since, matureBefore)) AND created < \(until)
                """)?.int("n") ?? 0
        }
        var summary = Summary(immature: Int(immature))
        var text = FeatureSchema.current.names.joined(separator: ",") + ",label\n"
        for (vector, fraud) in rows {
            text += vector.csvCells + (fraud ? ",1\n" : ",0\n")
            summary.rows += 1
            if fraud { summary.positives += 1 }
        }
        try Data(text.utf8).write(to: url)
        return summary
    }
}
