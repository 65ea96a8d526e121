import RemitSQL

/// The versions of some keys of a type-2 dimension, read once inside the load transaction (after its SCD2 step), so
/// each fact finds the surrogate key valid at its time in memory rather than by a subquery per row.
struct DimensionVersions: Sendable {
    private var versions: [String: [(from: Int64, to: Int64?, key: Int64)]] = [:]

    /// Reads the versions of `keys` from `table` (`key` the business key column, `sk` the surrogate key).
    static func load(_ table: String, key: String, sk: String, keys: Set<String>,
                     on connection: any SQLConnection) async throws -> DimensionVersions {
        var result = DimensionVersions()
        let sorted = keys.sorted()
        for chunk in stride(from: 0, to: sorted.count, by: 500) {
            let list = SQL.join(sorted[chunk..<min(chunk + 500, sorted.count)].map { "\($0)" }, separator: ", ")
            for row in try await connection.query("""
                SELECT \(raw: key) AS k, \(raw: sk) AS sk, valid_from, valid_to FROM \(raw: table)
                WHERE \(raw: key) IN (\(sql: list)) AND \(raw: sk) <> -1
                """) {
                result.versions[row.string("k"), default: []]
                    .append((row.int("valid_from"), row.optionalInt("valid_to"), row.int("sk")))
            }
        }
        for business in result.versions.keys { result.versions[business]!.sort { $0.from < $1.from } }
        return result
    }

    /// The surrogate key of the version of `business` valid at `time` (half-open `[from, to)`), or -1 (unknown).
    func surrogateKey(of business: String?, at time: Int64) -> Int64 {
        guard let business, let list = versions[business] else { return SlowlyChangingDimension.unknownSurrogateKey }
        for version in list.reversed() where version.from <= time {
            return version.to.map { time < $0 } ?? true ? version.key : SlowlyChangingDimension.unknownSurrogateKey
        }
        return SlowlyChangingDimension.unknownSurrogateKey
    }
}
