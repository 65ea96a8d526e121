import RemitSQL

/// PostgreSQL: a statement that inserts deliveries notifies `remit_webhooks` (delivered at commit, collapsed
/// within a transaction), so the workers of every node wake at once, not at their next poll. No round trip is
/// added to the event's transaction. SQLite has a single process: nothing to do there.
package enum Migration0007WebhookNotify {
    package static let channel = "remit_webhooks"

    static let migration = Migration(id: 7, name: "webhook notify") { dialect in
        guard dialect == .postgres else { return [] }
        return [
            """
            CREATE FUNCTION webhook_deliveries_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM inserted) THEN
                    PERFORM pg_notify('\(channel)', '');
                END IF;
                RETURN NULL;
            END $$
            """,
            """
            CREATE TRIGGER webhook_deliveries_notify AFTER INSERT ON webhook_deliveries
            REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION webhook_deliveries_notify()
            """,
        ]
    }
}
