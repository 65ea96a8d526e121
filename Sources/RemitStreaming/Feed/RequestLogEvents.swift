import RemitCore
import RemitSQL
import RemitStore

/// A request log document reduced to what event-time windows read, as the stream processor's feed hands it over:
/// the timestamp already parsed (on the reader's task, beside the processing), the document's identifying fields left
/// in the store (``ChangeFeed/apiLogs(at:)`` reads them back for the rare document that cannot be converted).
public struct APILogEvent: Sendable, Equatable {
    public var position: FeedPosition
    public var partition: Int
    public var merchantID: String?
    public var endpoint: String
    public var statusCode: Int64
    public var latencyMs: Double
    /// The event time (`TIMESTAMP BY timestamp`) in microseconds since 1970; nil when it is not an ISO-8601 instant.
    public var eventTimeMicros: Int64?
    /// The timestamp as written, kept only when it did not parse (for the quarantine's reason).
    public var unparsedTimestamp: String?
    public var receivedMs: Int64?
    public var source: String?
}

extension ChangeFeed {
    /// The stream processor's read: what ``apiLogs(after:through:limit:partitions:)`` returns, reduced to
    /// ``APILogEvent``s and read row by row in place, with no row materialized on the way.
    public func apiLogEvents(after position: FeedPosition, through: Int64, limit: Int, partitions: [Int]? = nil)
        async throws -> [APILogEvent]
    {
        precondition(limit > 0 && limit <= 100_000)
        let filter = Self.partitionFilter(partitions)
        return try await database.read { connection in
            var events: [APILogEvent] = []
            events.reserveCapacity(limit)
            try await connection.scan("""
                SELECT log_seq, tx_lsn, partition_id, merchant_id, endpoint, status_code, latency_ms, timestamp,
                    received_ms, source FROM api_logs
                WHERE tx_lsn >= \(position.lsn) AND (tx_lsn > \(position.lsn) OR log_seq > \(position.sequence))
                  AND tx_lsn <= \(through) \(sql: filter)
                ORDER BY tx_lsn, log_seq LIMIT \(limit)
                """) { row in
                let micros = row.withUTF8(at: 7) { Timestamp.unixMicroseconds(isoBytes: $0) }
                events.append(APILogEvent(
                    position: FeedPosition(lsn: row.int(at: 1), sequence: row.int(at: 0)),
                    partition: Int(row.int(at: 2)), merchantID: row.optionalString(at: 3), endpoint: row.string(at: 4),
                    statusCode: row.int(at: 5), latencyMs: row.double(at: 6), eventTimeMicros: micros,
                    unparsedTimestamp: micros == nil ? row.string(at: 7) : nil, receivedMs: row.optionalInt(at: 8),
                    source: row.optionalString(at: 9)))
            }
            return events
        }
    }

    /// Whole documents by position (the quarantine's copy of a document that could not be converted).
    public func apiLogs(at positions: [FeedPosition]) async throws -> [FeedPosition: APILogEntry] {
        try await database.read { connection in
            var found: [FeedPosition: APILogEntry] = [:]
            var start = 0
            while start < positions.count {
                let chunk = positions[start..<min(start + 1_000, positions.count)]
                let sequences = SQL.join(chunk.map { "\($0.sequence)" }, separator: ", ")
                for row in try await connection.query("""
                    SELECT log_seq, tx_lsn, log_id, merchant_id, endpoint, method, status_code, latency_ms, timestamp,
                        request_id, received_ms, source FROM api_logs WHERE log_seq IN (\(sql: sequences))
                    """)
                {
                    found[FeedPosition(lsn: row.int(at: 1), sequence: row.int(at: 0))] = Self.entry(row)
                }
                start += 1_000
            }
            return found
        }
    }
}
