import RemitSQL

/// Webhook delivery (flow 5): endpoints and their signing secrets, one delivery row per event × subscribed
/// endpoint (written in the event's own transaction), one attempt row per HTTP try, and the alerts audit trail.
enum Migration0006Webhooks {
    static let migration = Migration(id: 6, name: "webhooks") { dialect in
        let serial = ChangeCaptureDDL.serialPrimaryKey(dialect)
        return [
            """
            CREATE TABLE webhook_endpoints (
                seq \(serial), id TEXT NOT NULL UNIQUE, account_id TEXT NOT NULL, created BIGINT NOT NULL,
                url TEXT NOT NULL, description TEXT, enabled_events TEXT NOT NULL, metadata TEXT NOT NULL,
                api_version TEXT, status TEXT NOT NULL, livemode INTEGER NOT NULL, deleted INTEGER NOT NULL,
                disabled_reason TEXT, disabled_at BIGINT, last_success_at BIGINT, failing_notified_at BIGINT
            )
            """,
            "CREATE INDEX webhook_endpoints_account ON webhook_endpoints (account_id, seq)",
            // What an event's fan-out reads: one row per (endpoint, event type or '*').
            """
            CREATE TABLE webhook_subscriptions (
                account_id TEXT NOT NULL, event_type TEXT NOT NULL, endpoint_id TEXT NOT NULL,
                PRIMARY KEY (account_id, event_type, endpoint_id)
            )
            """,
            "CREATE INDEX webhook_subscriptions_endpoint ON webhook_subscriptions (endpoint_id)",
            """
            CREATE TABLE webhook_secrets (
                endpoint_id TEXT NOT NULL, secret TEXT NOT NULL, created BIGINT NOT NULL, expires_at BIGINT,
                PRIMARY KEY (endpoint_id, secret)
            )
            """,
            // Times in milliseconds since 1970: commit → first attempt is measured in milliseconds.
            """
            CREATE TABLE webhook_deliveries (
                seq \(serial), event_id TEXT NOT NULL, endpoint_id TEXT NOT NULL, account_id TEXT NOT NULL,
                status TEXT NOT NULL, attempt_count INTEGER NOT NULL, next_attempt_at BIGINT NOT NULL,
                lease_owner TEXT, lease_until BIGINT, created_ms BIGINT NOT NULL, delivered_at BIGINT,
                first_attempt_at BIGINT, last_status INTEGER, last_error TEXT, manual INTEGER NOT NULL,
                UNIQUE (event_id, endpoint_id)
            )
            """,
            "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'",
            "CREATE INDEX webhook_deliveries_leased ON webhook_deliveries (lease_until) WHERE status = 'delivering'",
            "CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, status, created_ms)",
            """
            CREATE TABLE webhook_attempts (
                seq \(serial), delivery_seq BIGINT NOT NULL, endpoint_id TEXT NOT NULL, account_id TEXT NOT NULL,
                event_id TEXT NOT NULL, attempt INTEGER NOT NULL, started_ms BIGINT NOT NULL, duration_ms INTEGER NOT NULL,
                http_status INTEGER, error_kind TEXT, response_head TEXT, succeeded INTEGER NOT NULL
            )
            """,
            "CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, seq)",
            "CREATE INDEX webhook_attempts_time ON webhook_attempts (started_ms)",
            """
            CREATE TABLE alerts (
                seq \(serial), created_ms BIGINT NOT NULL, source TEXT NOT NULL, kind TEXT NOT NULL,
                severity TEXT NOT NULL, subject TEXT NOT NULL, account_id TEXT, summary TEXT NOT NULL,
                details TEXT NOT NULL
            )
            """,
            "CREATE INDEX alerts_time ON alerts (created_ms)",
            "CREATE INDEX alerts_subject ON alerts (source, kind, subject, created_ms)",
        ]
    }
}
