import RemitSQL

/// The `fx_rates` table: loaded from the ECB's files, read whole by the ETL.
public struct FXRateStore: Sendable {
    let database: any SQLDatabase

    public init(database: any SQLDatabase) { self.database = database }

    /// Upserts rates (`day` is `YYYY-MM-DD`, `perEuro` the decimal text); returns how many were written.
    @discardableResult
    public func load(_ rates: [(day: String, currency: String, perEuro: String)]) async throws -> Int {
        for start in stride(from: 0, to: rates.count, by: 5_000) {
            let batch = rates[start..<min(start + 5_000, rates.count)]
            _ = try await database.write { connection in
                for rate in batch {
                    try await connection.execute("""
                        INSERT INTO fx_rates (day, currency, per_eur) VALUES (\(rate.day), \(rate.currency), \(rate.perEuro))
                        ON CONFLICT (day, currency) DO UPDATE SET per_eur = excluded.per_eur
                        """)
                }
            }
        }
        return rates.count
    }

    /// Every rate, oldest first.
    public func all() async throws -> [(day: String, currency: String, perEuro: String)] {
        try await database.read { connection in
            try await connection.query("SELECT day, currency, per_eur FROM fx_rates ORDER BY day, currency").map {
                ($0.string("day"), $0.string("currency"), $0.string("per_eur"))
            }
        }
    }
}
