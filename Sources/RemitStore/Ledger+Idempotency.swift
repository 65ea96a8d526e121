import RemitCore
import RemitSQL

/// An idempotency key and the fingerprint of the request that carries it (method, path, parameters).
public struct IdempotencyRequest: Sendable {
    public var key: String
    public var fingerprint: String

    public init(key: String, fingerprint: String) {
        self.key = key
        self.fingerprint = fingerprint
    }

    /// Stripe accepts keys of up to 255 characters.
    public static let keyLengthMax = 255
}

/// The result of a write: executed now, or the saved response of an earlier request with the same key.
public enum WriteOutcome: Sendable {
    case executed(StoredResponse)
    case replayed(StoredResponse)
}

extension Ledger {
    /// Runs one write operation as one transaction, exactly once per idempotency key (research stripe.md §3.1).
    ///
    /// - A key already executed with the same fingerprint replays the saved status and body.
    /// - The same key with other parameters is a 400 `idempotency_error`.
    /// - A key held by a request still executing (on this node, or on another node sharing PostgreSQL) is a 409.
    /// - Errors thrown by `body` (validation) roll everything back and save nothing, so the key stays usable.
    /// The saved response commits in the same transaction as the effects it describes.
    public func perform(
        _ context: OperationContext, idempotency: IdempotencyRequest?,
        _ body: @Sendable @escaping (LedgerTransaction) async throws -> StoredResponse
    ) async throws -> WriteOutcome {
        guard let idempotency else { return .executed(try await perform(context, body)) }
        let scope = context.accountID + "\u{1F}" + idempotency.key
        guard inFlightKeys.insert(scope) else { throw Self.keyInUse(idempotency.key) }
        defer { inFlightKeys.remove(scope) }
        do {
            return try await transaction { connection in
                try await performOnce(context, idempotency, connection, body)
            }
        } catch let error as DatabaseError where error.code == .uniqueViolation {
            throw Self.keyInUse(idempotency.key)
        }
    }

    /// Runs one write operation as one transaction, with no idempotency key (a background job's, or a page's that
    /// the customer answers once), and returns what it computed.
    public func perform<T: Sendable>(_ context: OperationContext,
                                     _ body: @Sendable @escaping (LedgerTransaction) async throws -> T) async throws -> T {
        try await transaction { connection in
            try await body(LedgerTransaction(ledger: self, connection: connection, context: context))
        }
    }

    private func performOnce(
        _ context: OperationContext, _ idempotency: IdempotencyRequest, _ connection: any SQLConnection,
        _ body: @Sendable (LedgerTransaction) async throws -> StoredResponse
    ) async throws -> WriteOutcome {
        let saved: SQLRow?
        if connection.dialect == .postgres {
            // Another node may hold the key: a transaction-scoped advisory lock on the key's hash decides,
            // in the same round trip as the lookup. (If the lookup's snapshot predates the holder's commit,
            // the key's primary key still stops a second execution: that request ends in 409.)
            let lockID = Int64(bitPattern: StableHash.fnv1a(context.accountID + "\u{1F}" + idempotency.key))
            let row = try await connection.queryFirst(.prepared("""
                SELECT l.locked, k.fingerprint, k.status_code, k.response_body
                FROM (SELECT pg_try_advisory_xact_lock(\(lockID)) AS locked) l
                LEFT JOIN idempotency_keys k
                  ON k.account_id = \(context.accountID) AND k.idempotency_key = \(idempotency.key)
                """))
            guard row?.bool("locked") == true else { throw Self.keyInUse(idempotency.key) }
            saved = row?.optionalString("fingerprint") == nil ? nil : row
        } else {
            saved = try await connection.queryFirst("""
                SELECT fingerprint, status_code, response_body FROM idempotency_keys
                WHERE account_id = \(context.accountID) AND idempotency_key = \(idempotency.key)
                """)
        }
        if let saved {
            guard saved.string("fingerprint") == idempotency.fingerprint else {
                throw Self.keyMismatch(idempotency.key)
            }
            return .replayed(StoredResponse(status: Int(saved.int("status_code")), body: saved.string("response_body")))
        }
        let response = try await body(LedgerTransaction(ledger: self, connection: connection, context: context))
        try await connection.execute(.prepared("""
            INSERT INTO idempotency_keys (account_id, idempotency_key, fingerprint, status_code, response_body, created)
            VALUES (\(context.accountID), \(idempotency.key), \(idempotency.fingerprint), \(response.status),
                \(response.replayBody ?? response.body), \(clock.unixSeconds()))
            """))
        return .executed(response)
    }

    /// Deletes saved keys older than `age` (Stripe keeps them at least 24 hours), `batch` keys per transaction, so
    /// SQLite's one writer is never held for long (an hour of keys at a few thousand charges a second is millions of
    /// rows). Returns how many.
    public func pruneIdempotencyKeys(olderThan age: Duration, batch: Int = 2_000) async throws -> Int {
        precondition(batch > 0)
        let cutoff = clock.unixSeconds() - age.components.seconds
        var deleted = 0
        while true {
            try Task.checkCancellation()
            let removed = try await database.write { connection in
                try await connection.execute("""
                    DELETE FROM idempotency_keys WHERE (account_id, idempotency_key) IN (
                        SELECT account_id, idempotency_key FROM idempotency_keys WHERE created < \(cutoff)
                        ORDER BY created LIMIT \(batch))
                    """)
            }
            deleted += removed
            if removed < batch { return deleted }
        }
    }

    static func keyInUse(_ key: String) -> StripeError {
        StripeError(type: .idempotency, code: "idempotency_key_in_use",
                    message: "There is currently another in-progress request using this Idempotent Key (probably "
                        + "because of a network error on the first try). Please try again later.")
    }

    static func keyMismatch(_ key: String) -> StripeError {
        StripeError(type: .idempotency,
                    message: "Keys for idempotent requests can only be used with the same parameters they were first "
                        + "used with. Try using a key other than '\(key)' if you meant to execute a different request.")
    }
}

