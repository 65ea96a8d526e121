import RemitCore
import RemitSQL

/// The statements that write and read `setup_intents`.
enum SetupIntentRows {
    static func insert(_ intent: SetupIntent, on connection: any SQLConnection) async throws {
        let s = intent
        try await connection.execute("""
            INSERT INTO setup_intents (id, account_id, created, status, customer_id, payment_method_id, usage,
                automatic_allow_redirects, description, cancellation_reason, client_secret, last_setup_error,
                next_action, confirmations, metadata, livemode, request_three_d_secure)
            VALUES (\(s.id), \(s.accountID), \(s.created), \(s.status.rawValue), \(s.customerID), \(s.paymentMethodID),
                \(s.usage), \(s.automaticPaymentMethodsAllowRedirects), \(s.description), \(s.cancellationReason),
                \(s.clientSecret), \(s.lastSetupError), \(s.nextAction), \(s.confirmations), \(s.metadata.storageText),
                \(s.livemode), \(s.requestThreeDSecure.rawValue))
            """)
    }

    /// Writes an intent back if its status and confirmation count are still those of `previous` (compare-and-set).
    static func update(_ intent: SetupIntent, from previous: SetupIntent, on connection: any SQLConnection) async throws {
        let s = intent
        precondition(s.id == previous.id && s.accountID == previous.accountID)
        precondition(s.status == previous.status || previous.status.canTransition(to: s.status),
                     "\(previous.status.rawValue) → \(s.status.rawValue)")
        let changed = try await connection.execute("""
            UPDATE setup_intents SET status = \(s.status.rawValue), customer_id = \(s.customerID),
                payment_method_id = \(s.paymentMethodID), usage = \(s.usage), description = \(s.description),
                cancellation_reason = \(s.cancellationReason), last_setup_error = \(s.lastSetupError),
                next_action = \(s.nextAction), confirmations = \(s.confirmations), metadata = \(s.metadata.storageText),
                request_three_d_secure = \(s.requestThreeDSecure.rawValue)
            WHERE id = \(s.id) AND account_id = \(s.accountID) AND status = \(previous.status.rawValue)
                AND confirmations = \(previous.confirmations)
            """)
        try RowLock.expectOneChanged(changed)
    }

    static func find(_ id: String, account: String, on connection: any SQLConnection, forUpdate: Bool = false)
        async throws -> SetupIntent?
    {
        try await RowLock.find(.setupIntents, id, account: account, on: connection, forUpdate: forUpdate)
            .map(SetupIntent.init(row:))
    }
}

extension SetupIntent {
    public init(row: SQLRow) {
        self.init(
            id: row.string("id"), accountID: row.string("account_id"), created: row.int("created"),
            status: SetupIntentStatus(rawValue: row.string("status")) ?? .canceled,
            clientSecret: row.string("client_secret"), usage: row.string("usage"), livemode: row.bool("livemode"))
        customerID = row.optionalString("customer_id")
        paymentMethodID = row.optionalString("payment_method_id")
        automaticPaymentMethodsAllowRedirects = row.optionalString("automatic_allow_redirects")
        description = row.optionalString("description")
        cancellationReason = row.optionalString("cancellation_reason")
        lastSetupError = row.optionalString("last_setup_error")
        nextAction = row.optionalString("next_action")
        confirmations = row.int("confirmations")
        requestThreeDSecure = ThreeDSecureRequest(rawValue: row.string("request_three_d_secure")) ?? .automatic
        metadata = Metadata(storageText: row.string("metadata"))
    }
}
