import RemitSQL

/// The euro reference rates the ETL converts with (`remit fx load FILE`): one row per day and currency, the rate
/// kept as the exact decimal text the ECB published.
enum Migration0008FXRates {
    static let migration = Migration(id: 8, name: "fx rates") { _ in
        [
            "CREATE TABLE fx_rates (day TEXT NOT NULL, currency TEXT NOT NULL, per_eur TEXT NOT NULL, PRIMARY KEY (day, currency))",
        ]
    }
}
