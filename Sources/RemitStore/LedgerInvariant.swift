import RemitSQL

/// One money invariant of the ledger: a query that returns the rows breaking it, and how to say what each breaks.
///
/// Each is one statement, so on PostgreSQL it reads one snapshot even outside a transaction.
struct LedgerInvariant: Sendable {
    let name: String
    let query: @Sendable (_ eventsSince: Int64) -> SQL
    let problem: @Sendable (SQLRow) -> String

    /// Every invariant `remit verify` checks, in the order it reports them.
    static let all: [LedgerInvariant] = [
        balancesEqualTheirTransactions, capturedChargesHaveTheirTransaction, refundsHaveTheirTransaction,
        objectsHaveTheirCreationEvent, chargebacksWithdrawOnce, reinstatementsOnlyForWonDisputes,
        refundsAndDisputesWithinTheCapture, refundsWithinTheCharge, transactionsHaveTheirSource,
        intentsReceivedWhatTheirChargesCaptured, capturableIntentsHoldTheirAuthorization,
    ]

    /// A PaymentIntent's `amount_received` is what its charges captured (at most one can succeed: a unique index),
    /// and a succeeded intent received something.
    static let intentsReceivedWhatTheirChargesCaptured = LedgerInvariant(name: "payment intent receipts") { _ in
        """
        SELECT p.id, p.status, p.amount_received, COALESCE(t.captured, 0) AS captured
        FROM payment_intents p
        LEFT JOIN (SELECT payment_intent_id, CAST(SUM(amount_captured) AS BIGINT) AS captured FROM charges
                   WHERE payment_intent_id IS NOT NULL AND captured = 1 GROUP BY payment_intent_id) t
          ON t.payment_intent_id = p.id
        WHERE COALESCE(t.captured, 0) <> p.amount_received OR (p.status = 'succeeded' AND p.amount_received = 0)
        """
    } problem: { row in
        "payment intent \(row.string("id")) (\(row.string("status"))) received \(row.int("amount_received")) "
            + "but its charges captured \(row.int("captured"))"
    }

    /// A PaymentIntent waiting for its capture can capture exactly what its charge holds authorized; any other
    /// intent can capture nothing.
    static let capturableIntentsHoldTheirAuthorization = LedgerInvariant(name: "payment intent authorizations") { _ in
        """
        SELECT p.id, p.status, p.amount_capturable, COALESCE(c.amount, 0) AS held
        FROM payment_intents p
        LEFT JOIN charges c ON c.id = p.latest_charge_id AND c.payment_intent_id = p.id AND c.status = 'succeeded'
            AND c.captured = 0 AND c.refunded = 0
        WHERE (p.status = 'requires_capture' AND COALESCE(c.amount, 0) <> p.amount_capturable)
           OR (p.status <> 'requires_capture' AND p.amount_capturable <> 0)
        """
    } problem: { row in
        "payment intent \(row.string("id")) (\(row.string("status"))) can capture \(row.int("amount_capturable")) "
            + "but its charge holds \(row.int("held"))"
    }

    /// Every balance equals the sum of its balance transactions' net, and every sum has a balance.
    static let balancesEqualTheirTransactions = LedgerInvariant(name: "balances") { _ in
        """
        SELECT COALESCE(b.account_id, t.account_id) AS account_id, COALESCE(b.currency, t.currency) AS currency,
               COALESCE(b.amount, 0) AS balance, COALESCE(t.total, 0) AS total
        FROM (SELECT account_id, currency, SUM(amount) AS amount FROM balances GROUP BY account_id, currency) b
        FULL OUTER JOIN (SELECT account_id, currency, SUM(net) AS total FROM balance_transactions
                         GROUP BY account_id, currency) t
          ON t.account_id = b.account_id AND t.currency = b.currency
        WHERE COALESCE(b.amount, 0) <> COALESCE(t.total, 0)
        """
    } problem: { row in
        "balance of \(row.string("account_id")) in \(row.string("currency")) is \(row.int("balance")) "
            + "but its balance transactions sum to \(row.int("total"))"
    }

    /// Every captured charge has its balance transaction, of the captured amount.
    static let capturedChargesHaveTheirTransaction = LedgerInvariant(name: "captures") { _ in
        """
        SELECT c.id FROM charges c LEFT JOIN balance_transactions t ON t.id = c.balance_transaction_id
        WHERE c.captured = 1 AND (t.id IS NULL OR t.amount <> c.amount_captured OR t.source_id <> c.id)
        """
    } problem: { "captured charge \($0.string("id")) has no matching balance transaction" }

    /// Every refund of a captured charge has its (negative) balance transaction.
    static let refundsHaveTheirTransaction = LedgerInvariant(name: "refund transactions") { _ in
        """
        SELECT r.id FROM refunds r JOIN charges c ON c.id = r.charge_id
        LEFT JOIN balance_transactions t ON t.id = r.balance_transaction_id
        WHERE c.captured = 1 AND (t.id IS NULL OR t.amount <> -r.amount)
        """
    } problem: { "refund \($0.string("id")) has no matching balance transaction" }

    /// Every state change has its event: each charge and refund at least its creation event (since the events'
    /// retention: older events are deleted after 30 days, as Stripe keeps them).
    static let objectsHaveTheirCreationEvent = LedgerInvariant(name: "events") { eventsSince in
        """
        SELECT c.id FROM charges c WHERE c.created >= \(eventsSince) AND NOT EXISTS (
            SELECT 1 FROM events e WHERE e.object_id = c.id AND e.type IN ('charge.succeeded', 'charge.failed'))
        UNION ALL
        SELECT r.id FROM refunds r WHERE r.created >= \(eventsSince) AND NOT EXISTS (
            SELECT 1 FROM events e WHERE e.object_id = r.id AND e.type = 'refund.created')
        """
    } problem: { "\($0.string("id")) has no creation event" }

    /// A chargeback withdraws its amount exactly once; an inquiry never.
    static let chargebacksWithdrawOnce = LedgerInvariant(name: "dispute withdrawals") { _ in
        """
        SELECT d.id, d.status, COUNT(t.id) AS withdrawals FROM disputes d
        LEFT JOIN balance_transactions t ON t.source_id = d.id AND t.reporting_category = 'dispute'
            AND t.amount = -d.amount
        GROUP BY d.id, d.status
        HAVING COUNT(t.id) <> CASE WHEN d.status LIKE 'warning_%' THEN 0 ELSE 1 END
        """
    } problem: { row in
        row.int("withdrawals") == 0
            ? "dispute \(row.string("id")) has no withdrawal"
            : "dispute \(row.string("id")) (\(row.string("status"))) has \(row.int("withdrawals")) withdrawals"
    }

    /// A won chargeback is reinstated exactly once; no other dispute ever is.
    static let reinstatementsOnlyForWonDisputes = LedgerInvariant(name: "dispute reinstatements") { _ in
        """
        SELECT d.id, d.status, COUNT(t.id) AS reinstatements FROM disputes d
        LEFT JOIN balance_transactions t ON t.source_id = d.id AND t.reporting_category = 'dispute_reversal'
        GROUP BY d.id, d.status
        HAVING COUNT(t.id) <> CASE WHEN d.status = 'won' THEN 1 ELSE 0 END
            OR SUM(CASE WHEN t.amount <> d.amount THEN 1 ELSE 0 END) > 0
        """
    } problem: { row in
        "dispute \(row.string("id")) (\(row.string("status"))) has \(row.int("reinstatements")) reinstatement(s)"
    }

    /// What leaves a charge — its refunds' balance transactions and its disputes' net withdrawals — never exceeds
    /// what was captured (a released uncaptured remainder moves no money and is not counted).
    static let refundsAndDisputesWithinTheCapture = LedgerInvariant(name: "charge outflows") { _ in
        """
        SELECT c.id, c.amount_captured, COALESCE(r.refunded, 0) AS refunded, COALESCE(d.withdrawn, 0) AS withdrawn
        FROM charges c
        LEFT JOIN (SELECT rf.charge_id, -SUM(t.amount) AS refunded FROM refunds rf
                   JOIN balance_transactions t ON t.source_id = rf.id AND t.type = 'refund'
                   GROUP BY rf.charge_id) r ON r.charge_id = c.id
        LEFT JOIN (SELECT dp.charge_id, -SUM(t.amount) AS withdrawn FROM disputes dp
                   JOIN balance_transactions t ON t.source_id = dp.id
                       AND t.reporting_category IN ('dispute', 'dispute_reversal')
                   GROUP BY dp.charge_id) d ON d.charge_id = c.id
        WHERE COALESCE(r.refunded, 0) + COALESCE(d.withdrawn, 0) > c.amount_captured
        """
    } problem: { row in
        "charge \(row.string("id")) captured \(row.int("amount_captured")) but refunds took \(row.int("refunded")) "
            + "and disputes \(row.int("withdrawn"))"
    }

    /// Refunds never exceed their charge.
    static let refundsWithinTheCharge = LedgerInvariant(name: "refund totals") { _ in
        """
        SELECT c.id FROM charges c JOIN (SELECT charge_id, SUM(amount) AS refunded FROM refunds GROUP BY charge_id) r
          ON r.charge_id = c.id
        WHERE r.refunded > c.amount OR c.amount_refunded > c.amount
        """
    } problem: { "charge \($0.string("id")) is refunded beyond its amount" }

    /// Every balance transaction has its source object, in its account: a charge, a refund or a dispute.
    static let transactionsHaveTheirSource = LedgerInvariant(name: "sources") { _ in
        """
        SELECT t.id, t.type, t.source_id FROM balance_transactions t
        WHERE NOT (
            (t.type = 'charge' AND EXISTS (SELECT 1 FROM charges c WHERE c.id = t.source_id AND c.account_id = t.account_id))
            OR (t.type = 'refund' AND EXISTS (SELECT 1 FROM refunds r WHERE r.id = t.source_id AND r.account_id = t.account_id))
            OR (t.type = 'adjustment' AND t.reporting_category IN ('dispute', 'dispute_reversal')
                AND EXISTS (SELECT 1 FROM disputes d WHERE d.id = t.source_id AND d.account_id = t.account_id)))
        """
    } problem: { row in
        "balance transaction \(row.string("id")) (\(row.string("type"))) has no source object \(row.string("source_id"))"
    }
}
