import RemitCore
import RemitSQL
import RemitStore

extension LedgerTransaction {
    /// `POST /v1/events/{id}/resend`: one manual attempt of the event to one endpoint (never retried), even if
    /// it was delivered before or the endpoint was created after the event. Events older than 30 days are gone.
    public func resendEvent(_ eventID: String, to endpointID: String) async throws -> String {
        guard let event = try await connection.queryFirst("""
            SELECT id, type, created FROM events WHERE id = \(eventID) AND account_id = \(accountID)
            """) else { throw StripeError.noSuch("event", eventID) }
        guard now - event.int("created") <= EventRetention.stripeWindow.components.seconds else {
            throw StripeError.invalid("id", "Events older than 30 days cannot be resent.")
        }
        guard let endpoint = try await reader.webhookEndpoint(endpointID) else {
            throw StripeError.noSuch("webhook_endpoint", endpointID, param: "webhook_endpoint")
        }
        guard endpoint.status == "enabled" else {
            throw StripeError.invalid("webhook_endpoint", "The webhook endpoint \(endpointID) is disabled.")
        }
        let nowMilliseconds = ledger.clock.unixMilliseconds()
        let existing = try await connection.queryFirst("""
            SELECT status FROM webhook_deliveries WHERE event_id = \(eventID) AND endpoint_id = \(endpointID)
            """)?.string("status")
        switch existing {
        case "delivering":
            throw StripeError.invalid("id", "A delivery of this event to this endpoint is in flight.")
        case "pending":
            // Still on its schedule: try it now (it keeps its remaining retries).
            try await connection.execute("""
                UPDATE webhook_deliveries SET next_attempt_at = \(nowMilliseconds)
                WHERE event_id = \(eventID) AND endpoint_id = \(endpointID) AND status = 'pending'
                """)
        case let status?:
            try await connection.execute("""
                UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = \(nowMilliseconds), manual = 1
                WHERE event_id = \(eventID) AND endpoint_id = \(endpointID)
                """)
            if status != "dead" {
                // A dead delivery still counts as pending; a delivered or cancelled one counts again.
                try await connection.execute("UPDATE events SET pending_webhooks = pending_webhooks + 1 WHERE id = \(eventID)")
            }
        case nil:
            try await connection.execute("""
                INSERT INTO webhook_deliveries (event_id, endpoint_id, account_id, status, attempt_count, next_attempt_at,
                    created_ms, manual)
                VALUES (\(eventID), \(endpointID), \(accountID), 'pending', 0, \(nowMilliseconds), \(nowMilliseconds), 1)
                """)
            try await connection.execute("UPDATE events SET pending_webhooks = pending_webhooks + 1 WHERE id = \(eventID)")
        }
        notifyWorkersAfterCommit()
        return event.string("id")
    }

    /// `POST /v1/webhook_endpoints/{id}/recover`: dead deliveries of the endpoint created in [since, until)
    /// go back to the queue with a fresh schedule (at most 10,000 per call, within 30 days).
    public func recoverDeliveries(_ endpointID: String, since: Int64, until: Int64?) async throws -> Int {
        guard let endpoint = try await reader.webhookEndpoint(endpointID) else {
            throw StripeError.noSuch("webhook_endpoint", endpointID)
        }
        guard endpoint.status == "enabled" else {
            throw StripeError.invalid("id", "Enable the webhook endpoint before recovering its deliveries.")
        }
        guard since >= now - EventRetention.stripeWindow.components.seconds else {
            throw StripeError.invalid("since", "Deliveries can be recovered for the last 30 days only.")
        }
        let nowMilliseconds = ledger.clock.unixMilliseconds()
        let upper = (until ?? now + 1) * 1000
        let recovered = try await connection.query("""
            UPDATE webhook_deliveries SET status = 'pending', attempt_count = 0, next_attempt_at = \(nowMilliseconds),
                manual = 0
            WHERE seq IN (SELECT seq FROM webhook_deliveries WHERE endpoint_id = \(endpointID) AND account_id = \(accountID)
                          AND status = 'dead' AND created_ms >= \(since * 1000) AND created_ms < \(upper)
                          ORDER BY seq LIMIT 10000)
            RETURNING seq
            """)
        if !recovered.isEmpty { notifyWorkersAfterCommit() }
        return recovered.count
    }
}

/// One HTTP attempt, as `GET /v1/webhook_endpoints/{id}/attempts` lists it.
public struct WebhookAttemptRecord: Sendable {
    public var id: Int64
    public var eventID: String
    public var attempt: Int64
    public var startedMilliseconds: Int64
    public var durationMilliseconds: Int64
    public var httpStatus: Int64?
    public var errorKind: String?
    public var responseHead: String?
    public var succeeded: Bool

    public var json: JSONValue {
        .object([
            ("id", .string("wha_\(id)")), ("object", .string("webhook_attempt")), ("event", .string(eventID)),
            ("attempt", .int(attempt)), ("created", .int(startedMilliseconds / 1000)),
            ("started_at_ms", .int(startedMilliseconds)), ("duration_ms", .int(durationMilliseconds)),
            ("http_status", httpStatus.map { .int($0) } ?? .null), ("error", .optional(errorKind)),
            ("response_body", .optional(responseHead)), ("succeeded", .bool(succeeded)),
        ])
    }
}

extension LedgerReader {
    /// The endpoint's attempts, newest first, for pagination by `starting_after` (an attempt id).
    public func webhookAttempts(endpointID: String, limit: Int, startingAfter: Int64?) async throws -> [WebhookAttemptRecord] {
        let cursor: SQL = startingAfter.map { "AND seq < \($0)" } ?? ""
        return try await connection.query("""
            SELECT * FROM webhook_attempts WHERE endpoint_id = \(endpointID) AND account_id = \(accountID) \(sql: cursor)
            ORDER BY seq DESC LIMIT \(limit)
            """).map { row in
            WebhookAttemptRecord(
                id: row.int("seq"), eventID: row.string("event_id"), attempt: row.int("attempt"),
                startedMilliseconds: row.int("started_ms"), durationMilliseconds: row.int("duration_ms"),
                httpStatus: row.optionalInt("http_status"), errorKind: row.optionalString("error_kind"),
                responseHead: row.optionalString("response_head"), succeeded: row.bool("succeeded"))
        }
    }
}
