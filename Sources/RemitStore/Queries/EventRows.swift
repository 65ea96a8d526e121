import RemitCore
import RemitSQL

/// Writes events: the outbox that webhook delivery reads (through ``EventFanOut``). Always inside the transaction of the change.
enum EventRows {
    /// Renders and stores one event; returns its id.
    @discardableResult
    static func emit(_ type: String, object: JSONValue, objectID: String, previousAttributes: JSONValue? = nil,
                     context: OperationContext, ledger: Ledger, on connection: any SQLConnection) async throws -> String {
        let id = ledger.ids("evt")
        let apiVersion = context.apiVersion ?? ledger.apiVersion
        let createdInstant = ledger.clock.unixMilliseconds()
        let created = createdInstant.seconds
        let account = context.accountID
        let fanOut = ledger.eventFanOut
        func payload(_ object: JSONValue, version: String) -> String {
            var data: [(String, JSONValue)] = [("object", object)]
            if let previousAttributes { data.append(("previous_attributes", previousAttributes)) }
            return JSONValue.object([
                ("id", .string(id)), ("object", .string("event")), ("account", .string(account)),
                ("api_version", .string(version)), ("created", .int(created)), ("data", .object(data)),
                ("livemode", .bool(context.livemode)), ("pending_webhooks", .int(0)),
                ("request", .object([("id", context.requestID.isEmpty ? .null : .string(context.requestID)), ("idempotency_key", .optional(context.idempotencyKey))])),
                ("type", .string(type)),
            ]).rendered()
        }
        // The event is generated at the account's version, and once more for each subscriber pinned to another
        // (only objects whose shape depends on the version need it).
        var renderings: [(version: String, payload: String)] = []
        var object = object
        if VersionedRendering.isVersioned(objectID: objectID) {
            let reader = LedgerReader(connection: connection, accountID: account, now: created)
            object = try await VersionedRendering.eventObject(object, id: objectID, version: apiVersion, reader)
            for version in try await fanOut?.subscriberVersions(accountID: account, on: connection) ?? []
            where version != apiVersion {
                let shaped = try await VersionedRendering.eventObject(object, id: objectID, version: version, reader)
                renderings.append((version, payload(shaped, version: version)))
            }
        }
        let payload = payload(object, version: apiVersion)
        if let fanOut, ([payload] + renderings.map(\.payload)).contains(where: { $0.utf8.count > fanOut.payloadLimit }) {
            throw StripeError.invalid("metadata", "The resulting event would exceed the \(fanOut.payloadLimit / 1024) KiB webhook payload limit.")
        }
        for rendering in renderings {
            try await connection.execute(.prepared("""
                INSERT INTO event_renderings (event_id, api_version, created, payload)
                VALUES (\(id), \(rendering.version), \(created), \(rendering.payload))
                """))
        }
        var pending: SQL = "0"
        if let fanOut {
            let statements = fanOut.fanOut(OutboxEvent(id: id, type: type, accountID: account,
                                                       created: createdInstant))
            try await connection.execute(statements.deliveries)
            pending = statements.count
        }
        try await connection.execute(.prepared("""
            INSERT INTO events (id, account_id, created, type, object_id, api_version, livemode, request_id,
                idempotency_key, pending_webhooks, payload)
            VALUES (\(id), \(account), \(created), \(type), \(objectID), \(apiVersion),
                \(context.livemode), \(context.requestID), \(context.idempotencyKey), \(sql: pending), \(payload))
            """))
        if let hook = fanOut?.afterCommit(accountID: account), let batching = connection as? BatchingConnection {
            batching.afterCommit("webhooks", hook)
        }
        return id
    }
}
