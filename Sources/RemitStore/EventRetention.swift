import RemitSQL

/// Events are kept 30 days, as Stripe keeps them ("List events, going back up to 30 days"): older ones are deleted,
/// a bounded batch per transaction, oldest first, except those a webhook delivery still has to send. The cutoff is
/// recorded (`event_retention.pruned_before`), so `remit verify` checks the events of what happened since.
public struct EventRetention: Sendable {
    /// Stripe's window.
    public static let stripeWindow: Duration = .seconds(30 * 86_400)
    public static let defaultBatch = 2_000

    let database: any SQLDatabase

    public init(database: any SQLDatabase) { self.database = database }

    /// Deletes the events created before `cutoff` (Unix seconds) that no delivery is waiting to send. Returns how
    /// many. Walks the events in `seq` order (creation order) and stops at the first batch reaching the cutoff, so it
    /// never reads the events it keeps.
    public func prune(createdBefore cutoff: Int64, batch: Int = defaultBatch) async throws -> Int {
        precondition(batch > 0)
        var deleted = 0
        var next: Int64 = 0
        while true {
            try Task.checkCancellation()
            let after = next
            let step = try await database.write { connection -> (deleted: Int, through: Int64, done: Bool) in
                let end = try await connection.queryFirst("""
                    SELECT seq, created FROM events WHERE seq > \(after) ORDER BY seq LIMIT 1 OFFSET \(batch - 1)
                    """)
                let through = end?.int("seq") ?? Int64.max
                let removed = try await connection.execute("""
                    DELETE FROM events WHERE seq > \(after) AND seq <= \(through) AND created < \(cutoff)
                      AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d
                                      WHERE d.event_id = events.id AND d.status IN ('pending', 'delivering'))
                    """)
                // An endpoint's rendering of an event goes with the event.
                try await connection.execute("""
                    DELETE FROM event_renderings WHERE created < \(cutoff)
                      AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = event_renderings.event_id)
                    """)
                try await connection.execute("""
                    UPDATE event_retention SET pruned_before = \(cutoff) WHERE id = 1 AND pruned_before < \(cutoff)
                    """)
                let done = end == nil || end!.int("created") >= cutoff
                return (removed, through, done)
            }
            deleted += step.deleted
            if step.done { return deleted }
            next = step.through
        }
    }

    /// Every charge and refund created at or after this time (Unix seconds) still has its events.
    public static func prunedBefore(on connection: any SQLConnection) async throws -> Int64 {
        try await connection.queryFirst("SELECT pruned_before FROM event_retention WHERE id = 1")?.int(at: 0) ?? 0
    }
}
