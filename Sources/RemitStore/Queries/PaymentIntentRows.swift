import RemitCore
import RemitSQL

/// The statements that write and read `payment_intents`.
enum PaymentIntentRows {
    static func insert(_ intent: PaymentIntent, on connection: any SQLConnection) async throws {
        let p = intent
        try await connection.execute("""
            INSERT INTO payment_intents (id, account_id, created, amount, currency, status, customer_id,
                payment_method_id, capture_method, confirmation_method, setup_future_usage, automatic_allow_redirects,
                description, receipt_email, statement_descriptor, statement_descriptor_suffix, amount_capturable,
                amount_received, latest_charge_id, review_id, canceled_at, cancellation_reason, client_secret,
                last_payment_error, confirmations, metadata, livemode, request_three_d_secure)
            VALUES (\(p.id), \(p.accountID), \(p.created), \(p.amount), \(p.currency.code), \(p.status.rawValue),
                \(p.customerID), \(p.paymentMethodID), \(p.captureMethod.rawValue), \(p.confirmationMethod.rawValue),
                \(p.setupFutureUsage), \(p.automaticPaymentMethodsAllowRedirects), \(p.description), \(p.receiptEmail),
                \(p.statementDescriptor), \(p.statementDescriptorSuffix), \(p.amountCapturable), \(p.amountReceived),
                \(p.latestChargeID), \(p.reviewID), \(p.canceledAt), \(p.cancellationReason), \(p.clientSecret),
                \(p.lastPaymentError), \(p.confirmations), \(p.metadata.storageText), \(p.livemode),
                \(p.requestThreeDSecure.rawValue))
            """)
    }

    /// Writes an intent back if its status and confirmation count are still those of `previous`: a compare-and-set,
    /// so of two racing confirmations or captures one changes the row and the other gets ``StripeError/lockTimeout``.
    static func update(_ intent: PaymentIntent, from previous: PaymentIntent, on connection: any SQLConnection)
        async throws
    {
        let p = intent
        precondition(p.id == previous.id && p.accountID == previous.accountID)
        precondition(p.status == previous.status || previous.status.canTransition(to: p.status),
                     "\(previous.status.rawValue) → \(p.status.rawValue)")
        let changed = try await connection.execute("""
            UPDATE payment_intents SET amount = \(p.amount), currency = \(p.currency.code), status = \(p.status.rawValue),
                customer_id = \(p.customerID), payment_method_id = \(p.paymentMethodID),
                capture_method = \(p.captureMethod.rawValue), setup_future_usage = \(p.setupFutureUsage),
                description = \(p.description), receipt_email = \(p.receiptEmail),
                statement_descriptor = \(p.statementDescriptor),
                statement_descriptor_suffix = \(p.statementDescriptorSuffix),
                amount_capturable = \(p.amountCapturable), amount_received = \(p.amountReceived),
                latest_charge_id = \(p.latestChargeID), review_id = \(p.reviewID), canceled_at = \(p.canceledAt),
                cancellation_reason = \(p.cancellationReason), last_payment_error = \(p.lastPaymentError),
                confirmations = \(p.confirmations), metadata = \(p.metadata.storageText),
                next_action = \(p.nextAction), request_three_d_secure = \(p.requestThreeDSecure.rawValue)
            WHERE id = \(p.id) AND account_id = \(p.accountID) AND status = \(previous.status.rawValue)
                AND confirmations = \(previous.confirmations)
            """)
        try RowLock.expectOneChanged(changed)
    }

    static func find(_ id: String, account: String, on connection: any SQLConnection, forUpdate: Bool = false)
        async throws -> PaymentIntent?
    {
        try await RowLock.find(.paymentIntents, id, account: account, on: connection, forUpdate: forUpdate).map(PaymentIntent.init(row:))
    }
}

extension PaymentIntent {
    public init(row: SQLRow) {
        self.init(
            id: row.string("id"), accountID: row.string("account_id"), created: row.int("created"),
            amount: row.int("amount"), currency: Currency(row.string("currency")) ?? .usd,
            status: PaymentIntentStatus(rawValue: row.string("status")) ?? .canceled,
            clientSecret: row.string("client_secret"),
            captureMethod: CaptureMethod(rawValue: row.string("capture_method")) ?? .automatic,
            confirmationMethod: ConfirmationMethod(rawValue: row.string("confirmation_method")) ?? .automatic,
            livemode: row.bool("livemode"))
        customerID = row.optionalString("customer_id")
        paymentMethodID = row.optionalString("payment_method_id")
        setupFutureUsage = row.optionalString("setup_future_usage")
        automaticPaymentMethodsAllowRedirects = row.optionalString("automatic_allow_redirects")
        description = row.optionalString("description")
        receiptEmail = row.optionalString("receipt_email")
        statementDescriptor = row.optionalString("statement_descriptor")
        statementDescriptorSuffix = row.optionalString("statement_descriptor_suffix")
        amountCapturable = row.int("amount_capturable")
        amountReceived = row.int("amount_received")
        latestChargeID = row.optionalString("latest_charge_id")
        reviewID = row.optionalString("review_id")
        canceledAt = row.optionalInt("canceled_at")
        cancellationReason = row.optionalString("cancellation_reason")
        lastPaymentError = row.optionalString("last_payment_error")
        confirmations = row.int("confirmations")
        requestThreeDSecure = ThreeDSecureRequest(rawValue: row.string("request_three_d_secure")) ?? .automatic
        nextAction = row.optionalString("next_action")
        metadata = Metadata(storageText: row.string("metadata"))
    }
}
