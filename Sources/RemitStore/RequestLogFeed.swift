import RemitCore
import RemitSQL

/// One API request log document (the seed's `api_logs`).
public struct APILogEntry: Sendable, Equatable {
    public var logID: String
    public var merchantID: String?
    public var endpoint: String
    public var method: String
    public var statusCode: Int
    public var latencyMs: Double
    /// The event time, as written (ISO-8601; the stream processor parses it and counts what does not parse).
    public var timestamp: String
    public var requestID: String
    /// When Remit received the document (milliseconds since 1970, the ledger's clock): its own API stamps it as the
    /// request ends, so its documents are never late; nil for imported history.
    public var receivedMs: Int64?
    /// The import it came from (`import:<name>`), or nil for Remit's own live traffic.
    public var source: String?

    public init(logID: String, merchantID: String?, endpoint: String, method: String, statusCode: Int,
                latencyMs: Double, timestamp: String, requestID: String, receivedMs: Int64? = nil, source: String? = nil) {
        self.logID = logID
        self.merchantID = merchantID
        self.endpoint = endpoint
        self.method = method
        self.statusCode = statusCode
        self.latencyMs = latencyMs
        self.timestamp = timestamp
        self.requestID = requestID
        self.receivedMs = receivedMs
        self.source = source
    }
}

/// The request log's partitions: merchants hashed (FNV-1a) into a fixed number, so several stream processors can
/// each own some (through leases) and every merchant's windows are counted by exactly one of them.
public enum APILogPartitions {
    public static let count = 16

    public static func of(_ merchantID: String?) -> Int {
        Int(StableHash.fnv1a(merchantID ?? "") % UInt64(count))
    }
}

/// A request log document as the feed returns it: its position and partition with it.
public struct FedAPILog: Sendable, Equatable {
    public var position: FeedPosition
    public var partition: Int
    public var entry: APILogEntry
}

/// A completed `remit logs import`: once a processor has read past `lastLSN`, that source has ended.
public struct APILogImport: Sendable, Equatable {
    public var source: String
    public var file: String
    public var documents: Int64
    public var lastLSN: Int64
}

extension ChangeFeed {
    /// Request log documents after `position` up to LSN `through`, in commit order, at most `limit`; only those of
    /// `partitions` when given.
    public func apiLogs(after position: FeedPosition, through: Int64, limit: Int, partitions: [Int]? = nil) async throws
        -> [FedAPILog]
    {
        precondition(limit > 0 && limit <= 100_000)
        let filter = Self.partitionFilter(partitions)
        // `tx_lsn >= position` first: the index range starts at the position. With the OR alone, SQLite (bound
        // parameters) scanned the index from its start on every page: reading a range was quadratic.
        return try await database.read { connection in
            try await connection.query("""
                SELECT log_seq, tx_lsn, log_id, merchant_id, endpoint, method, status_code, latency_ms, timestamp,
                    request_id, received_ms, source, partition_id FROM api_logs
                WHERE tx_lsn >= \(position.lsn) AND (tx_lsn > \(position.lsn) OR log_seq > \(position.sequence))
                  AND tx_lsn <= \(through) \(sql: filter)
                ORDER BY tx_lsn, log_seq LIMIT \(limit)
                """).map { row in
                FedAPILog(position: FeedPosition(lsn: row.int(at: 1), sequence: row.int(at: 0)),
                          partition: Int(row.int(at: 12)), entry: Self.entry(row))
            }
        }
    }

    /// `AND partition_id IN (…)` for the partitions a processor owns; nothing when it reads them all.
    package static func partitionFilter(_ partitions: [Int]?) -> SQL {
        partitions.map { owned in
            owned.isEmpty ? "AND 1 = 0" : "AND partition_id IN (\(sql: SQL.join(owned.map { "\(Int64($0))" }, separator: ", ")))"
        } ?? ""
    }

    /// A document from columns 2…11 of a row in the order the feed's reads select them.
    package static func entry(_ row: SQLRow) -> APILogEntry {
        APILogEntry(logID: row.string(at: 2), merchantID: row.optionalString(at: 3), endpoint: row.string(at: 4),
                    method: row.string(at: 5), statusCode: Int(row.int(at: 6)), latencyMs: row.double(at: 7),
                    timestamp: row.string(at: 8), requestID: row.string(at: 9), receivedMs: row.optionalInt(at: 10),
                    source: row.optionalString(at: 11))
    }

    /// The highest LSN of the request log written so far, committed or not yet visible.
    public func latestWrittenAPILog() async throws -> Int64 {
        try await database.read { connection in
            try await connection.queryFirst("SELECT COALESCE(MAX(tx_lsn), 0) AS lsn FROM api_logs")?.int("lsn") ?? 0
        }
    }

    /// Completed imports, oldest first.
    public func apiLogImports() async throws -> [APILogImport] {
        try await database.read { connection in
            try await connection.query("SELECT source, file, documents, last_lsn FROM api_log_imports ORDER BY last_lsn").map {
                APILogImport(source: $0.string("source"), file: $0.string("file"), documents: $0.int("documents"),
                             lastLSN: $0.int("last_lsn"))
            }
        }
    }
}

extension Ledger {
    /// Appends a batch of Remit's own request log documents in one transaction (stamped with its LSN; those not yet
    /// stamped as received are received now, by the ledger's clock).
    public func appendAPILogs(_ entries: [APILogEntry]) async throws {
        guard !entries.isEmpty else { return }
        let received = clock.unixMilliseconds()
        _ = try await insertAPILogs(entries.map { entry in
            var stamped = entry
            stamped.receivedMs = stamped.receivedMs ?? received.value
            return stamped
        })
    }

    /// Appends documents from elsewhere (another gateway's logs) as the source `import:<name>`, in transactions of
    /// `documentsPerTransaction`, then records the import as complete: the stream processor judges them against
    /// their own watermark and, having read them all, closes their last windows.
    public func importAPILogs(_ entries: [APILogEntry], name: String, file: String,
                              progress: (Int) -> Void = { _ in }) async throws -> APILogImport {
        let source = "import:" + name
        var lastLSN: Int64 = 0
        var start = 0
        while start < entries.count {
            let end = min(start + Self.documentsPerImportTransaction, entries.count)
            lastLSN = try await insertAPILogs(entries[start..<end].map { entry in
                var imported = entry
                imported.receivedMs = nil
                imported.source = source
                return imported
            })
            start = end
            progress(start)
        }
        let record = APILogImport(source: source, file: file, documents: Int64(entries.count), lastLSN: lastLSN)
        let completed = clock.unixMilliseconds()
        _ = try await transaction { connection in
            try await connection.execute("""
                INSERT INTO api_log_imports (source, file, documents, last_lsn, completed_ms)
                VALUES (\(record.source), \(record.file), \(record.documents), \(record.lastLSN), \(completed))
                """)
        }
        return record
    }

    static let documentsPerImportTransaction = 10_000

    /// Inserts documents in one transaction; returns its LSN.
    func insertAPILogs(_ entries: [APILogEntry]) async throws -> Int64 {
        let rowsPerStatement = 200
        return try await transaction { connection in
            let lsn = ChangeFeed.currentLSN(connection.dialect)
            var start = 0
            while start < entries.count {
                let slice = entries[start..<min(start + rowsPerStatement, entries.count)]
                let values = SQL.join(slice.map { (e: APILogEntry) -> SQL in
                    """
                    (\(raw: lsn), \(e.logID), \(e.merchantID), \(e.endpoint), \(e.method), \(e.statusCode), \(e.latencyMs), \
                    \(e.timestamp), \(e.requestID), \(e.receivedMs), \(e.source), \(Int64(APILogPartitions.of(e.merchantID))))
                    """
                }, separator: ", ")
                // Sent at once, in order (a query, not a batched insert): the documents' sequence is the feed's
                // order, which the stream processor follows.
                _ = try await connection.query("""
                    INSERT INTO api_logs (tx_lsn, log_id, merchant_id, endpoint, method, status_code, latency_ms,
                        timestamp, request_id, received_ms, source, partition_id) VALUES \(sql: values) RETURNING log_seq
                    """)
                start += rowsPerStatement
            }
            return try await connection.queryFirst("SELECT \(raw: lsn) AS lsn")?.int("lsn") ?? 0
        }
    }
}
