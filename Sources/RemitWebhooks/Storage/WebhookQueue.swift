import RemitCore
import RemitSQL
import RemitStore

/// A delivery claimed by a worker: leased to it until it completes it or the lease runs out.
public struct ClaimedDelivery: Sendable, Equatable {
    public var seq: Int64
    public var eventID: String
    public var endpointID: String
    public var accountID: String
    /// This attempt's number (1 for the first).
    public var attempt: Int
    /// A resend: tried once, never retried.
    public var manual: Bool
    public var created: UnixMilliseconds
    public var url: String
    /// The event's exact bytes, with the `pending_webhooks` count at claim time.
    public var payload: String
    /// Every secret that signs (two while a rolled secret is still valid).
    public var secrets: [String]
}

/// What became of one attempt, for the batched completion.
public struct DeliveryCompletion: Sendable {
    public enum Next: Sendable, Equatable {
        case succeeded
        case retry(at: UnixMilliseconds)
        case dead
    }

    public var delivery: ClaimedDelivery
    public var started: UnixMilliseconds
    public var result: WebhookAttemptResult
    public var next: Next

    public init(delivery: ClaimedDelivery, started: UnixMilliseconds, result: WebhookAttemptResult, next: Next) {
        self.delivery = delivery
        self.started = started
        self.result = result
        self.next = next
    }
}

/// The delivery queue in the store, shared by every worker of every node.
///
/// Claims are short transactions (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite: its single writer) that lease
/// rows to one worker; no lock is held during HTTP. Completion is fenced by the lease owner, so a worker whose
/// lease was reaped cannot overwrite the newer attempt's outcome. Results are written in batches.
public struct WebhookQueue: Sendable {
    public let database: any SQLDatabase
    /// How far down the due queue one claim looks to apply the per-endpoint cap.
    static let claimScan = 512

    public init(database: any SQLDatabase) { self.database = database }

    /// Leases up to `limit` due deliveries to `owner`, at most `perEndpoint[id]` (else `defaultPerEndpoint`) of
    /// any one endpoint, none of the `excluded` endpoints (open breakers, full caps).
    public func claim(owner: String, limit: Int, defaultPerEndpoint: Int, excluded: [String], now: UnixMilliseconds,
                      lease: Duration) async throws -> [ClaimedDelivery] {
        guard limit > 0 else { return [] }
        let leaseUntil = now + lease
        let exclusion: SQL = excluded.isEmpty ? "" : "AND endpoint_id NOT IN (\(sql: SQL.join(excluded.map { "\($0)" }, separator: ", ")))"
        let due: SQL = """
            SELECT seq, endpoint_id, next_attempt_at FROM webhook_deliveries
            WHERE status = 'pending' AND next_attempt_at <= \(now) \(sql: exclusion)
            ORDER BY next_attempt_at LIMIT \(Self.claimScan)
            """
        let ranked: SQL = """
            SELECT seq, next_attempt_at, row_number() OVER (PARTITION BY endpoint_id ORDER BY next_attempt_at, seq) AS rank
            FROM (\(sql: due)) due
            """
        return try await database.write { connection in
            let claimed: [SQLRow]
            switch connection.dialect {
            case .postgres:
                claimed = try await connection.query("""
                    WITH picked AS (
                        SELECT d.seq FROM webhook_deliveries d JOIN (\(sql: ranked)) r ON r.seq = d.seq
                        WHERE r.rank <= \(defaultPerEndpoint) AND d.status = 'pending'
                        ORDER BY r.next_attempt_at LIMIT \(limit) FOR UPDATE OF d SKIP LOCKED)
                    UPDATE webhook_deliveries w SET status = 'delivering', lease_owner = \(owner),
                        lease_until = \(leaseUntil), attempt_count = w.attempt_count + 1,
                        first_attempt_at = COALESCE(w.first_attempt_at, \(now))
                    FROM picked WHERE w.seq = picked.seq
                    RETURNING w.seq, w.event_id, w.endpoint_id, w.account_id, w.attempt_count, w.manual, w.created_ms
                    """)
            case .sqlite:
                claimed = try await connection.query("""
                    UPDATE webhook_deliveries SET status = 'delivering', lease_owner = \(owner), lease_until = \(leaseUntil),
                        attempt_count = attempt_count + 1, first_attempt_at = COALESCE(first_attempt_at, \(now))
                    WHERE seq IN (SELECT seq FROM (\(sql: ranked)) r WHERE rank <= \(defaultPerEndpoint)
                                  ORDER BY next_attempt_at LIMIT \(limit))
                    RETURNING seq, event_id, endpoint_id, account_id, attempt_count, manual, created_ms
                    """)
            }
            guard !claimed.isEmpty else { return [] }
            let seqs = SQL.join(claimed.map { "\($0.int("seq"))" }, separator: ", ")
            let details = try await connection.query("""
                SELECT d.seq, COALESCE(r.payload, ev.payload) AS payload, ev.pending_webhooks, ep.url
                FROM webhook_deliveries d
                JOIN events ev ON ev.id = d.event_id JOIN webhook_endpoints ep ON ep.id = d.endpoint_id
                LEFT JOIN event_renderings r ON r.event_id = ev.id AND r.api_version = ep.api_version
                WHERE d.seq IN (\(sql: seqs))
                """)
            let endpoints = Set(claimed.map { $0.string("endpoint_id") })
            let secretRows = try await connection.query("""
                SELECT endpoint_id, secret FROM webhook_secrets
                WHERE endpoint_id IN (\(sql: SQL.join(endpoints.map { "\($0)" }, separator: ", ")))
                    AND (expires_at IS NULL OR expires_at > \(now.seconds))
                ORDER BY created DESC
                """)
            var secrets: [String: [String]] = [:]
            for row in secretRows { secrets[row.string("endpoint_id"), default: []].append(row.string("secret")) }
            var byDelivery: [Int64: SQLRow] = [:]
            for row in details { byDelivery[row.int("seq")] = row }
            return claimed.compactMap { row -> ClaimedDelivery? in
                guard let detail = byDelivery[row.int("seq")] else { return nil }
                return ClaimedDelivery(
                    seq: row.int("seq"), eventID: row.string("event_id"), endpointID: row.string("endpoint_id"),
                    accountID: row.string("account_id"), attempt: Int(row.int("attempt_count")), manual: row.bool("manual"),
                    created: UnixMilliseconds(row.int("created_ms")), url: detail.string("url"),
                    payload: EventPayload.rendering(detail.string("payload"), pendingWebhooks: detail.int("pending_webhooks")),
                    secrets: secrets[row.string("endpoint_id")] ?? [])
            }
        }
    }

    /// The response body recorded for an attempt whose outcome could not be stored as it was.
    public static let unstorableResponseMarker = "[the response could not be stored]"

    /// Writes a batch of outcomes: each delivery's new state (only if `owner` still holds its lease), one attempt row
    /// each, the events' `pending_webhooks`, the endpoints' last success. Returns how many outcomes were applied (the
    /// others had lost their lease).
    ///
    /// A batch that the store refuses for its content is written again row by row, so one bad row holds nobody
    /// else's deliveries; a row still refused alone is written with ``unstorableResponseMarker`` as its body, so the
    /// attempt still counts toward its endpoint's health and the delivery follows its schedule. Connection failures
    /// are thrown: the caller retries the batch.
    @discardableResult
    public func complete(_ completions: [DeliveryCompletion], owner: String, now: UnixMilliseconds) async throws -> Int {
        do {
            return try await completeTogether(completions, owner: owner, now: now)
        } catch let error as DatabaseError where error.code == .statement {
            var applied = 0
            for completion in completions {
                do {
                    applied += try await completeTogether([completion], owner: owner, now: now)
                } catch let error as DatabaseError where error.code == .statement {
                    var marked = completion
                    marked.result.responseHead = Self.unstorableResponseMarker
                    applied += try await completeTogether([marked], owner: owner, now: now)
                }
            }
            return applied
        }
    }

    /// The batch in one transaction. On PostgreSQL it is one statement of data-modifying CTEs (one round trip); SQLite
    /// runs the same steps one by one (no round trips to save).
    private func completeTogether(_ completions: [DeliveryCompletion], owner: String, now: UnixMilliseconds) async throws -> Int {
        guard !completions.isEmpty else { return 0 }
        let outcomes = SQL.join(completions.map { completion -> SQL in
            let delivery = completion.delivery
            let result = completion.result
            let status: String
            var next = UnixMilliseconds(0)
            switch completion.next {
            case .succeeded: status = "succeeded"
            case .retry(let at):
                status = "pending"
                next = at
            case .dead: status = "dead"
            }
            return """
                (CAST(\(delivery.seq) AS BIGINT), CAST(\(status) AS TEXT), CAST(\(next) AS BIGINT),
                 CAST(\(result.httpStatus.map(Int64.init)) AS BIGINT), CAST(\(result.errorKind) AS TEXT),
                 CAST(\(delivery.endpointID) AS TEXT), CAST(\(delivery.accountID) AS TEXT), CAST(\(delivery.eventID) AS TEXT),
                 CAST(\(Int64(delivery.attempt)) AS BIGINT), CAST(\(completion.started) AS BIGINT),
                 CAST(\(Int64(result.durationMilliseconds)) AS BIGINT), CAST(\(result.responseHead) AS TEXT),
                 CAST(\(result.succeeded) AS INTEGER))
                """
        }, separator: ", ")
        let values: SQL = """
            v (seq, status, next_at, http_status, error_kind, endpoint_id, account_id, event_id, attempt, started_ms,
               duration_ms, response_head, succeeded) AS (VALUES \(sql: outcomes))
            """
        let update: SQL = """
            UPDATE webhook_deliveries SET status = v.status,
                next_attempt_at = CASE WHEN v.status = 'pending' THEN v.next_at ELSE webhook_deliveries.next_attempt_at END,
                delivered_at = CASE WHEN v.status = 'succeeded' THEN \(now) ELSE webhook_deliveries.delivered_at END,
                last_status = v.http_status, last_error = v.error_kind, lease_owner = NULL, lease_until = NULL
            FROM v WHERE webhook_deliveries.seq = v.seq AND webhook_deliveries.lease_owner = \(owner)
                AND webhook_deliveries.status = 'delivering'
            RETURNING webhook_deliveries.seq
            """
        let insertAttempts = """
            INSERT INTO webhook_attempts (delivery_seq, endpoint_id, account_id, event_id, attempt, started_ms,
                duration_ms, http_status, error_kind, response_head, succeeded)
            SELECT v.seq, v.endpoint_id, v.account_id, v.event_id, v.attempt, v.started_ms, v.duration_ms, v.http_status,
                v.error_kind, v.response_head, v.succeeded FROM v JOIN applied ON applied.seq = v.seq
            """
        // An event stops counting an endpoint once it answered 2xx (Stripe: dead deliveries stay pending).
        let answered = """
            UPDATE events SET pending_webhooks = CASE WHEN events.pending_webhooks > c.n
                THEN events.pending_webhooks - c.n ELSE 0 END
            FROM (SELECT v.event_id, count(*) AS n FROM v JOIN applied ON applied.seq = v.seq
                  WHERE v.status = 'succeeded' GROUP BY v.event_id) c
            WHERE events.id = c.event_id
            """
        let lastSuccess: SQL = """
            UPDATE webhook_endpoints SET last_success_at = \(now)
            WHERE id IN (SELECT v.endpoint_id FROM v JOIN applied ON applied.seq = v.seq WHERE v.status = 'succeeded')
            """
        return try await database.write { connection in
            switch connection.dialect {
            case .postgres:
                return try await connection.query("""
                    WITH \(sql: values), applied AS (\(sql: update)),
                        a AS (\(raw: insertAttempts) RETURNING 1),
                        e AS (\(raw: answered) RETURNING 1),
                        s AS (\(sql: lastSuccess) RETURNING 1)
                    SELECT seq FROM applied
                    """).count
            case .sqlite:
                let applied = try await connection.query("WITH \(sql: values) \(sql: update)")
                guard !applied.isEmpty else { return 0 }
                // SQLite has no DML in WITH: the applied rows go through a temporary table.
                try await connection.execute("CREATE TEMP TABLE IF NOT EXISTS applied (seq INTEGER PRIMARY KEY)")
                try await connection.execute("DELETE FROM applied")
                try await connection.execute("""
                    INSERT INTO applied (seq) VALUES \(sql: SQL.join(applied.map { "(\($0.int("seq")))" }, separator: ", "))
                    """)
                try await connection.execute("WITH \(sql: values) \(raw: insertAttempts)")
                try await connection.execute("WITH \(sql: values) \(raw: answered)")
                try await connection.execute("WITH \(sql: values) \(sql: lastSuccess)")
                return applied.count
            }
        }
    }

    /// Hands claimed deliveries back unsent (their endpoint's breaker opened): the attempt is not counted,
    /// and they are due again at `until`.
    public func release(_ deliveries: [ClaimedDelivery], owner: String, until: UnixMilliseconds) async throws {
        guard !deliveries.isEmpty else { return }
        let seqs = SQL.join(deliveries.map { "\($0.seq)" }, separator: ", ")
        _ = try await database.write { connection in
            try await connection.execute("""
                UPDATE webhook_deliveries SET status = 'pending', attempt_count = attempt_count - 1,
                    first_attempt_at = CASE WHEN attempt_count = 1 THEN NULL ELSE first_attempt_at END,
                    next_attempt_at = \(until), lease_owner = NULL, lease_until = NULL
                WHERE seq IN (\(sql: seqs)) AND lease_owner = \(owner) AND status = 'delivering'
                """)
        }
    }

    /// Holds an endpoint's queued deliveries until `until` (its breaker is open): they stay pending, no attempt is
    /// counted, and claims do not scan past them meanwhile.
    public func hold(endpointID: String, until: UnixMilliseconds) async throws {
        _ = try await database.write { connection in
            try await connection.execute("""
                UPDATE webhook_deliveries SET next_attempt_at = \(until)
                WHERE endpoint_id = \(endpointID) AND status = 'pending' AND next_attempt_at < \(until)
                """)
        }
    }

    /// Returns deliveries whose lease ran out (their worker died or hung) to the queue, due now.
    @discardableResult
    public func reapExpiredLeases(now: UnixMilliseconds) async throws -> Int {
        try await database.write { connection in
            try await connection.execute("""
                UPDATE webhook_deliveries SET status = 'pending', lease_owner = NULL, lease_until = NULL,
                    next_attempt_at = \(now)
                WHERE status = 'delivering' AND lease_until < \(now)
                """)
        }
    }

    /// Calls `received` whenever another node (or this one) commits deliveries, when the engine carries
    /// notifications (PostgreSQL); returns at once otherwise.
    public func listenForDeliveries(_ received: @escaping @Sendable () -> Void) async throws {
        guard let notifications = database as? any SQLNotifications else { return }
        try await notifications.listen(channel: Migration0007WebhookNotify.channel, received)
    }

    /// The accounts with at least one enabled endpoint (for ``WebhookDirectory``).
    public func accountsWithEndpoints() async throws -> Set<String> {
        try await database.read { connection in
            Set(try await connection.query("""
                SELECT DISTINCT account_id FROM webhook_endpoints WHERE status = 'enabled' AND deleted = 0
                """).map { $0.string("account_id") })
        }
    }

    /// Drops attempts and finished deliveries older than `before` (ms): dead ones stay replayable 30 days.
    @discardableResult
    public func prune(before: UnixMilliseconds) async throws -> Int {
        try await database.write { connection in
            let attempts = try await connection.execute("DELETE FROM webhook_attempts WHERE started_ms < \(before)")
            let deliveries = try await connection.execute("""
                DELETE FROM webhook_deliveries WHERE created_ms < \(before) AND status IN ('succeeded', 'dead', 'cancelled')
                """)
            return attempts + deliveries
        }
    }
}
