import RemitSQL

/// Retention of the two tables that grow with every payment and are not business records.
/// - Change capture: a consumer of the feed (the nightly ETL) confirms the LSN it has durably loaded, as a logical
///   replication slot confirms its flush position, and changes at or below every consumer's confirmed LSN that are
///   older than the retention are deleted. `change_log_retention` keeps the low watermark: every change at or below
///   `pruned_through_lsn` may be gone, so a read of a range starting below it is refused instead of being silently
///   incomplete.
/// - Events: kept 30 days, as Stripe keeps them; `event_retention.pruned_before` (Unix seconds) says from when on
///   every charge and refund still has its events (what `remit verify` can check).
enum Migration0011Retention {
    static let migration = Migration(id: 11, name: "retention of the change capture and the events") { _ in
        [
            """
            CREATE TABLE change_feed_consumers (
                name TEXT PRIMARY KEY, confirmed_lsn BIGINT NOT NULL, confirmed_at TEXT NOT NULL
            )
            """,
            """
            CREATE TABLE change_log_retention (
                id INTEGER PRIMARY KEY CHECK (id = 1), pruned_through_lsn BIGINT NOT NULL, pruned_at TEXT
            )
            """,
            "INSERT INTO change_log_retention (id, pruned_through_lsn, pruned_at) VALUES (1, 0, NULL)",
            "CREATE TABLE event_retention (id INTEGER PRIMARY KEY CHECK (id = 1), pruned_before BIGINT NOT NULL)",
            "INSERT INTO event_retention (id, pruned_before) VALUES (1, 0)",
        ]
    }
}
