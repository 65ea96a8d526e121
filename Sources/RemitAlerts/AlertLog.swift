import Foundation
import RemitSQL

/// The `alerts` table: every alert Remit raised, the audit trail (the seed's Sentinel log).
public struct AlertLog: AlertSink {
    public let name = "alerts_table"
    let database: any SQLDatabase

    public init(database: any SQLDatabase) { self.database = database }

    public func deliver(_ alert: Alert) async throws {
        let created = Int64((alert.created.timeIntervalSince1970 * 1000).rounded(.down))
        _ = try await database.write { connection in
            try await connection.execute("""
                INSERT INTO alerts (created_ms, source, kind, severity, subject, account_id, summary, details)
                VALUES (\(created), \(alert.source), \(alert.kind), \(alert.severity.rawValue), \(alert.subject),
                    \(alert.accountID), \(alert.summary), \(alert.detailsJSON))
                """)
        }
    }

    /// The latest alerts, newest first.
    public func recent(limit: Int, source: String? = nil) async throws -> [SQLRow] {
        let filter: SQL = source.map { "WHERE source = \($0)" } ?? ""
        return try await database.read { connection in
            try await connection.query("SELECT * FROM alerts \(sql: filter) ORDER BY seq DESC LIMIT \(limit)")
        }
    }
}
