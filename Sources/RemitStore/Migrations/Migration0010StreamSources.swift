import RemitSQL

/// The request log as a stream source (flow 3): when each live document was received (for late-arrival policy),
/// which import it came from (imports are judged against their own watermark), and its partition (merchants hashed
/// into `APILogPartitions.count` partitions, which processors own through leases); and the completed imports, whose
/// end closes their last windows.
enum Migration0010StreamSources {
    static let migration = Migration(id: 10, name: "request log stream sources") { _ in
        [
            "ALTER TABLE api_logs ADD COLUMN received_ms BIGINT",
            "ALTER TABLE api_logs ADD COLUMN source TEXT",
            "ALTER TABLE api_logs ADD COLUMN partition_id SMALLINT NOT NULL DEFAULT 0",
            """
            CREATE TABLE api_log_imports (
                source TEXT PRIMARY KEY, file TEXT NOT NULL, documents BIGINT NOT NULL, last_lsn BIGINT NOT NULL,
                completed_ms BIGINT NOT NULL
            )
            """,
        ]
    }
}
