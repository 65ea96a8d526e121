import Foundation
import RemitCore
import RemitSQL

/// The reference tables behind the country and domain features, in the store so every node reads the same:
/// a load replaces a table in one transaction and bumps its version; nodes reload when a version moves.
public struct FraudReferenceStore: Sendable {
    public let database: any SQLDatabase
    public let clock: WallClock

    public init(database: any SQLDatabase, clock: WallClock = .system) {
        self.database = database
        self.clock = clock
    }

    public enum Kind: String, Sendable, CaseIterable {
        case cardBins = "card_bins"
        case ipRanges = "ip_ranges"
        case emailDomains = "email_domains"
        case thresholds
    }

    static let rowsPerStatement = 500

    public func replaceCardBins(_ bins: [String: String]) async throws {
        let rows = bins.sorted { $0.key < $1.key }.map { SQL("(\($0.key), \($0.value))") }
        try await replace(.cardBins, table: "fraud_card_bins", columns: "prefix, country", rows: rows)
    }

    public func replaceIPRanges(_ ranges: [ReferenceData.IPRange]) async throws {
        let rows = ranges.map { SQL("(\(Int64($0.first)), \(Int64($0.last)), \($0.country))") }
        try await replace(.ipRanges, table: "fraud_ip_ranges", columns: "first_ip, last_ip, country", rows: rows)
    }

    public func replaceEmailDomains(_ domains: [String: Int64]) async throws {
        let rows = domains.sorted { $0.key < $1.key }.map { SQL("(\($0.key), \($0.value))") }
        try await replace(.emailDomains, table: "fraud_email_domains", columns: "domain, registered_on", rows: rows)
    }

    private func replace(_ kind: Kind, table: String, columns: String, rows: [SQL]) async throws {
        let version = Int64(clock.now().timeIntervalSince1970 * 1_000_000)
        try await database.write { connection in
            try await connection.execute("DELETE FROM \(raw: table)")
            var start = 0
            while start < rows.count {
                let chunk = Array(rows[start..<min(rows.count, start + Self.rowsPerStatement)])
                try await connection.execute("INSERT INTO \(raw: table) (\(raw: columns)) VALUES " + SQL.join(chunk, separator: ", "))
                start += chunk.count
            }
            try await Self.bump(kind, to: version, on: connection)
        }
    }

    /// Sets a merchant's own thresholds (nil clears them: the global ones apply).
    public func setThresholds(account: String, _ policy: FraudPolicy?) async throws {
        guard policy.map({ 0 < $0.reviewThreshold && $0.reviewThreshold <= $0.blockThreshold && $0.blockThreshold <= 1 }) ?? true else {
            throw RegistryError("thresholds must satisfy 0 < review ≤ block ≤ 1")
        }
        let version = Int64(clock.now().timeIntervalSince1970 * 1_000_000)
        try await database.write { connection in
            try await connection.execute("DELETE FROM fraud_thresholds WHERE account_id = \(account)")
            if let policy {
                try await connection.execute("""
                    INSERT INTO fraud_thresholds (account_id, block_threshold, review_threshold)
                    VALUES (\(account), \(policy.blockThreshold), \(policy.reviewThreshold))
                    """)
            }
            try await Self.bump(.thresholds, to: version, on: connection)
        }
    }

    /// Every merchant's own thresholds.
    public func thresholds() async throws -> [String: FraudPolicy] {
        try await database.read { connection in
            var policies: [String: FraudPolicy] = [:]
            for row in try await connection.query("SELECT * FROM fraud_thresholds ORDER BY account_id") {
                policies[row.string("account_id")] = FraudPolicy(
                    blockThreshold: row.double("block_threshold"), reviewThreshold: row.double("review_threshold"))
            }
            return policies
        }
    }

    /// Records a load, in the same transaction, so running nodes notice it.
    private static func bump(_ kind: Kind, to version: Int64, on connection: any SQLConnection) async throws {
        try await connection.execute("DELETE FROM fraud_reference_versions WHERE kind = \(kind.rawValue)")
        try await connection.execute(
            "INSERT INTO fraud_reference_versions (kind, version) VALUES (\(kind.rawValue), \(version))")
    }

    /// The versions of the loaded tables (empty before any load).
    public func versions() async throws -> [String: Int64] {
        try await database.read { connection in
            var versions: [String: Int64] = [:]
            for row in try await connection.query("SELECT kind, version FROM fraud_reference_versions") {
                versions[row.string("kind")] = row.int("version")
            }
            return versions
        }
    }

    public func load() async throws -> ReferenceData {
        try await database.read { connection in
            var data = ReferenceData()
            for row in try await connection.query("SELECT prefix, country FROM fraud_card_bins") {
                data.cardBins[row.string("prefix")] = row.string("country")
            }
            for row in try await connection.query("SELECT first_ip, last_ip, country FROM fraud_ip_ranges ORDER BY first_ip") {
                data.ipRanges.append(ReferenceData.IPRange(
                    first: UInt32(truncatingIfNeeded: row.int("first_ip")), last: UInt32(truncatingIfNeeded: row.int("last_ip")),
                    country: row.string("country")))
            }
            for row in try await connection.query("SELECT domain, registered_on FROM fraud_email_domains") {
                data.emailDomains[row.string("domain")] = row.int("registered_on")
            }
            return data
        }
    }
}
