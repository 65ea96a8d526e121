import Crypto
import Foundation

/// One version of a type-2 dimension row (Dim_Customer, Dim_Merchant): valid over `[validFrom, validTo)`,
/// microseconds since 1970; `validTo == nil` while current.
public struct DimensionVersion: Sendable, Equatable {
    public var surrogateKey: Int64
    public var businessKey: String
    /// The tracked attributes (a change to any of them makes a new version).
    public var attributes: [String: String?]
    public var validFrom: Int64
    public var validTo: Int64?
    public var isDeleted: Bool
    /// dbt's `dbt_scd_id`: md5 of `key|updated_at`.
    public var scdID: String
    /// md5 of the tracked attributes, to tell a real change from a touch.
    public var rowHash: String
}

/// A dimension row as the run's net changes leave it.
public struct DimensionSourceRow: Sendable {
    public var businessKey: String
    public var attributes: [String: String?]
    /// When the row last changed (the commit time of its last change in the range).
    public var updatedAt: Int64
    public var deleted: Bool
    /// When the row was created, if known: a key's first version starts there (facts stamped in whole seconds at
    /// creation must find it), not at the commit of the change that brought it to the warehouse.
    public var createdAt: Int64?

    public init(businessKey: String, attributes: [String: String?], updatedAt: Int64, deleted: Bool = false,
                createdAt: Int64? = nil) {
        self.businessKey = businessKey
        self.attributes = attributes
        self.updatedAt = updatedAt
        self.deleted = deleted
        self.createdAt = createdAt
    }
}

/// What to do when a dimension's source row is deleted (dbt's `hard_deletes`).
public enum HardDeletes: String, Sendable {
    /// Keep the current version open.
    case ignore
    /// Close the current version at the deletion.
    case invalidate
    /// Close it and open a version flagged `is_deleted` (the default here: the history says what happened).
    case newRecord = "new_record"
}

/// The changes one run makes to a type-2 dimension: close-outs of current versions, and new versions.
public struct DimensionPlan: Sendable, Equatable {
    public var closeOuts: [CloseOut] = []
    public var inserts: [DimensionVersion] = []

    public init(closeOuts: [CloseOut] = [], inserts: [DimensionVersion] = []) {
        self.closeOuts = closeOuts
        self.inserts = inserts
    }

    public struct CloseOut: Sendable, Equatable {
        public var scdID: String
        public var validTo: Int64

        public init(scdID: String, validTo: Int64) {
            self.scdID = scdID
            self.validTo = validTo
        }
    }
}

/// dbt's snapshot semantics (research data.md §3.1) applied to net changes (§3.2): the timestamp strategy
/// (`updated_at` strictly later than the current version's `valid_from`) guarded by the check strategy (the
/// tracked attributes differ), so a re-run of the same data changes nothing, and a row touched without a change to
/// its tracked attributes keeps its version. Intervals are half-open: a close-out's `valid_to` is the new version's
/// `valid_from`. Surrogate keys derive from `scd_id`, so a rebuild gives the same keys; `-1` is the unknown member.
public enum SlowlyChangingDimension {
    public static let unknownSurrogateKey: Int64 = -1
    /// The unknown member's business key (the row the schema inserts with `-1`).
    public static let unknownBusinessKey = "unknown"

    public struct DuplicateKeys: Error, CustomStringConvertible {
        public let keys: [String]
        public var description: String { "duplicate business keys in the source: \(keys.prefix(5).joined(separator: ", "))" }
    }

    /// - Parameter current: the current version (`validTo == nil`) of each key the source touches.
    public static func plan(current: [String: DimensionVersion], source: [DimensionSourceRow],
                            hardDeletes: HardDeletes = .newRecord) throws -> DimensionPlan {
        var seen = Set<String>()
        let duplicates = source.map(\.businessKey).filter { !seen.insert($0).inserted }
        guard duplicates.isEmpty else { throw DuplicateKeys(keys: Array(Set(duplicates)).sorted()) }
        var plan = DimensionPlan()
        for row in source {
            let existing = current[row.businessKey]
            if row.deleted {
                guard let existing, !existing.isDeleted, row.updatedAt > existing.validFrom else { continue }
                switch hardDeletes {
                case .ignore:
                    continue
                case .invalidate:
                    plan.closeOuts.append(.init(scdID: existing.scdID, validTo: row.updatedAt))
                case .newRecord:
                    plan.closeOuts.append(.init(scdID: existing.scdID, validTo: row.updatedAt))
                    plan.inserts.append(version(row.businessKey, existing.attributes, from: row.updatedAt, deleted: true))
                }
                continue
            }
            let start = existing == nil ? min(row.createdAt ?? row.updatedAt, row.updatedAt) : row.updatedAt
            let candidate = version(row.businessKey, row.attributes, from: start, deleted: false)
            if let existing {
                guard row.updatedAt > existing.validFrom,
                      existing.isDeleted || existing.rowHash != candidate.rowHash else { continue }
                plan.closeOuts.append(.init(scdID: existing.scdID, validTo: row.updatedAt))
            }
            plan.inserts.append(candidate)
        }
        return plan
    }

    static func version(_ key: String, _ attributes: [String: String?], from: Int64, deleted: Bool) -> DimensionVersion {
        let scdID = md5Hex("\(key)|\(from)")
        let digest = Array(Insecure.MD5.hash(data: Array(scdID.utf8)))
        let surrogate = digest.prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) } & 0x3FFF_FFFF_FFFF_FFFF
        return DimensionVersion(surrogateKey: surrogate, businessKey: key, attributes: attributes, validFrom: from,
                                validTo: nil, isDeleted: deleted, scdID: scdID, rowHash: rowHash(attributes))
    }

    /// md5 over the attributes in name order; a null is distinct from any text.
    static func rowHash(_ attributes: [String: String?]) -> String {
        let text = attributes.keys.sorted().map { name -> String in
            if let value = attributes[name] ?? nil { return "\(name)=\(value.count):\(value)" }
            return "\(name)=∅"
        }.joined(separator: "\u{1F}")
        return md5Hex(text)
    }

    static func md5Hex(_ text: String) -> String {
        Insecure.MD5.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The surrogate key of the version of `key` valid at `time` (half-open intervals), or -1 (unknown member)
    /// when no version covers it.
    public static func surrogateKey(of key: String, at time: Int64, in versions: [DimensionVersion]) -> Int64 {
        versions.first { $0.businessKey == key && $0.validFrom <= time && ($0.validTo.map { time < $0 } ?? true) }?
            .surrogateKey ?? unknownSurrogateKey
    }
}
