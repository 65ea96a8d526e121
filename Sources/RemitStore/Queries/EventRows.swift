import RemitCore
import RemitSQL

/// Writes events: the outbox that webhook delivery reads. Always inside the transaction of the change.
enum EventRows {
    /// Renders and stores one event; returns its id.
    @discardableResult
    static func emit(_ type: String, object: JSONValue, objectID: String, previousAttributes: JSONValue? = nil,
                     context: OperationContext, ledger: Ledger, on connection: any SQLConnection) async throws -> String {
        let id = ledger.ids("evt")
        let created = ledger.clock.unixSeconds()
        var data: [(String, JSONValue)] = [("object", object)]
        if let previousAttributes { data.append(("previous_attributes", previousAttributes)) }
        let payload = JSONValue.object([
            ("id", .string(id)), ("object", .string("event")), ("account", .string(context.accountID)),
            ("api_version", .string(ledger.apiVersion)), ("created", .int(created)), ("data", .object(data)),
            ("livemode", .bool(context.livemode)), ("pending_webhooks", .int(0)),
            ("request", .object([("id", .string(context.requestID)), ("idempotency_key", .optional(context.idempotencyKey))])),
            ("type", .string(type)),
        ]).rendered()
        try await connection.execute("""
            INSERT INTO events (id, account_id, created, type, object_id, api_version, livemode, request_id,
                idempotency_key, pending_webhooks, payload)
            VALUES (\(id), \(context.accountID), \(created), \(type), \(objectID), \(ledger.apiVersion),
                \(context.livemode), \(context.requestID), \(context.idempotencyKey), 0, \(payload))
            """)
        return id
    }
}
