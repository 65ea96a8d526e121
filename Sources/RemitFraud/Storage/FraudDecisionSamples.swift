import RemitSQL

/// The most recent decisions of a time range, for drift monitoring.
public struct FraudDecisionSamples: Sendable {
    public let database: any SQLDatabase

    public init(database: any SQLDatabase) { self.database = database }

    public func recent(from: Int64, until: Int64, limit: Int) async throws -> [(vector: FeatureVector, score: Double?)] {
        try await database.read { connection in
            try await connection.query("""
                SELECT vector, score FROM fraud_features WHERE created >= \(from) AND created < \(until)
                ORDER BY created DESC LIMIT \(limit)
                """).compactMap { row in
                FeatureVector(json: row.string("vector")).map { ($0, row.optionalDouble("score")) }
            }
        }
    }
}
