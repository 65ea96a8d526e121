import Foundation
import RemitCore
import RemitSQL

/// Versioned, immutable fraud models in the store (`fraud_models`), each with the feature-schema hash it was
/// trained on. One champion decides, at most one shadow scores alongside without acting; every node reads
/// the same rows, so promoting on one machine promotes everywhere.
public struct FraudModelRegistry: Sendable {
    public let database: any SQLDatabase
    public let clock: WallClock

    public init(database: any SQLDatabase, clock: WallClock = .system) {
        self.database = database
        self.clock = clock
    }

    public struct Entry: Sendable {
        public var version: String
        public var created: Int64
        public var sha256: String
        public var schemaHash: String
        public var status: String
        public var description: String?
        public var promotedAt: Int64?
    }

    public enum Status: String, Sendable { case candidate, shadow, champion, retired }

    /// Registers a model file; it must read exactly the current fraud features.
    @discardableResult
    public func register(version: String, json: Data, description: String?, status: Status = .candidate) async throws -> Entry {
        let model: FraudModel
        do { model = try FraudModel(version: version, json: json) } catch { throw RegistryError("\(error)") }
        guard !version.isEmpty, version.count <= 100 else { throw RegistryError("a version is 1 to 100 characters") }
        let now = clock.unixSeconds()
        let text = String(decoding: json, as: UTF8.self)
        let schema = FeatureSchema.current.hash
        try await database.write { connection in
            if try await connection.queryFirst("SELECT version FROM fraud_models WHERE version = \(version)") != nil {
                throw RegistryError("model \(version) is already registered; versions are immutable")
            }
            try await connection.execute("""
                INSERT INTO fraud_models (version, created, sha256, schema_hash, status, model_json, description)
                VALUES (\(version), \(now), \(model.sha256), \(schema), \(Status.candidate.rawValue), \(text), \(description))
                """)
        }
        if status != .candidate { try await setStatus(version, status) }
        return try await list().first { $0.version == version }!
    }

    public func list() async throws -> [Entry] {
        try await database.read { connection in
            try await connection.query("""
                SELECT version, created, sha256, schema_hash, status, description, promoted_at FROM fraud_models
                ORDER BY created, version
                """).map { row in
                Entry(version: row.string("version"), created: row.int("created"), sha256: row.string("sha256"),
                      schemaHash: row.string("schema_hash"), status: row.string("status"),
                      description: row.optionalString("description"), promotedAt: row.optionalInt("promoted_at"))
            }
        }
    }

    /// Makes `version` the champion (the previous one retires) or the shadow (the previous shadow goes back to
    /// candidate). Refuses a model trained on another feature schema.
    public func setStatus(_ version: String, _ status: Status) async throws {
        let now = clock.unixSeconds()
        let schema = FeatureSchema.current.hash
        try await database.write { connection in
            guard let row = try await connection.queryFirst("SELECT schema_hash FROM fraud_models WHERE version = \(version)") else {
                throw RegistryError("no model \(version)")
            }
            if status == .champion || status == .shadow, row.string("schema_hash") != schema {
                throw RegistryError("model \(version) was trained on feature schema \(row.string("schema_hash")), not \(schema)")
            }
            switch status {
            case .champion:
                try await connection.execute("UPDATE fraud_models SET status = 'retired' WHERE status = 'champion'")
                try await connection.execute(
                    "UPDATE fraud_models SET status = 'champion', promoted_at = \(now) WHERE version = \(version)")
            case .shadow:
                try await connection.execute("UPDATE fraud_models SET status = 'candidate' WHERE status = 'shadow'")
                try await connection.execute("UPDATE fraud_models SET status = 'shadow' WHERE version = \(version)")
            case .candidate, .retired:
                try await connection.execute("UPDATE fraud_models SET status = \(status.rawValue) WHERE version = \(version)")
            }
        }
    }

    /// Puts the previously promoted model back as champion; returns its version.
    public func rollback() async throws -> String {
        let entries = try await list()
        guard let current = entries.first(where: { $0.status == Status.champion.rawValue }) else {
            throw RegistryError("there is no champion to roll back")
        }
        guard let previous = entries.filter({ $0.status == Status.retired.rawValue && $0.promotedAt != nil })
            .max(by: { ($0.promotedAt ?? 0, $0.version) < ($1.promotedAt ?? 0, $1.version) })
        else { throw RegistryError("no earlier champion to return to") }
        try await setStatus(previous.version, .champion)
        try await setStatus(current.version, .retired)
        return previous.version
    }

    /// The champion and shadow models, loaded (nil when none is set).
    public func active() async throws -> (champion: FraudModel?, shadow: FraudModel?) {
        let rows = try await database.read { connection in
            try await connection.query(
                "SELECT version, status, model_json FROM fraud_models WHERE status IN ('champion', 'shadow')")
        }
        var champion: FraudModel?, shadow: FraudModel?
        for row in rows {
            let model = try FraudModel(version: row.string("version"), json: Data(row.string("model_json").utf8))
            if row.string("status") == Status.champion.rawValue { champion = model } else { shadow = model }
        }
        return (champion, shadow)
    }

    /// The versions active now, cheaply, to notice a promotion made elsewhere.
    public func activeVersions() async throws -> [String] {
        try await database.read { connection in
            try await connection.query(
                "SELECT version, status FROM fraud_models WHERE status IN ('champion', 'shadow') ORDER BY status, version"
            ).map { $0.string("status") + ":" + $0.string("version") }
        }
    }
}

public struct RegistryError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
