import RemitCore
import RemitProcessor
import RemitSQL

/// What a dispute costs the merchant, and how long they have to answer.
public enum DisputePolicy {
    /// The chargeback fee, in minor units of the dispute's currency (Stripe US: $15).
    public static let feeMinorUnits: Int64 = 1_500
    /// Evidence is due this long after the dispute opens.
    public static let responseWindowSeconds: Int64 = 7 * 86_400
    /// Test-mode evidence texts that decide the outcome on submission (Stripe's test mode).
    public static let winningEvidence = "winning_evidence"
    public static let losingEvidence = "losing_evidence"
}

/// A dispute change: evidence fields (nil leaves one alone), metadata, and whether to submit.
public struct DisputeUpdate: Sendable {
    public var evidence: [(key: String, value: String)] = []
    public var metadata: MetadataUpdate?
    public var submit: Bool?

    public init() {}
}

extension LedgerTransaction {
    /// Opens a dispute on a charge the simulator flags: a chargeback withdraws the amount and the fee;
    /// an inquiry moves no money.
    func openDispute(on charge: inout Charge, _ scenario: DisputeScenario) async throws {
        var dispute = Dispute(
            id: ledger.ids("dp"), accountID: accountID, created: now, chargeID: charge.id, amount: charge.amount,
            currency: charge.currency, reason: scenario.reason, status: scenario.status,
            dueBy: now + DisputePolicy.responseWindowSeconds, livemode: context.livemode)
        dispute.paymentIntentID = charge.paymentIntentID
        try await connection.execute("""
            INSERT INTO disputes (id, account_id, created, charge_id, amount, currency, reason, status, evidence,
                submission_count, due_by, metadata, livemode, payment_intent_id)
            VALUES (\(dispute.id), \(accountID), \(dispute.created), \(dispute.chargeID), \(dispute.amount),
                \(dispute.currency.code), \(dispute.reason), \(dispute.status.rawValue), \(dispute.evidence), 0,
                \(dispute.dueBy), \(dispute.metadata.storageText), \(dispute.livemode), \(dispute.paymentIntentID))
            """)
        let undisputed = charge
        charge.disputed = true
        try await ChargeRows.update(charge, from: undisputed, on: connection)
        try await ledger.riskCheck?.disputeOpened(chargeID: charge.id, reason: dispute.reason, in: riskScope)
        try await emit("charge.dispute.created", try await disputeJSON(dispute), id: dispute.id)
        guard !dispute.isInquiry else { return }
        let withdrawal = BalanceTransaction(
            id: ledger.ids("txn"), accountID: accountID, created: now, amount: -dispute.amount,
            currency: dispute.currency, fee: DisputePolicy.feeMinorUnits, type: "adjustment",
            reportingCategory: "dispute", sourceID: dispute.id, availableOn: now,
            description: "Chargeback withdrawal for \(charge.id)", livemode: context.livemode)
        try await LedgerRows.post(withdrawal, on: connection)
        try await emit("charge.dispute.funds_withdrawn", try await disputeJSON(dispute), id: dispute.id)
    }

    /// Adds evidence and metadata; `submit` sends it, and in test mode the evidence text decides.
    public func updateDispute(_ id: String, _ update: DisputeUpdate) async throws -> Dispute {
        var dispute = try await lockedDispute(id)
        let found = dispute.status
        guard !found.isClosed else { throw Self.disputeClosed }
        let previous = JSONValue.object([("evidence", .raw(dispute.evidence)), ("status", .string(found.rawValue))])
        if !update.evidence.isEmpty {
            var fields = EvidenceText.parse(dispute.evidence)
            for (key, value) in update.evidence {
                fields.removeAll { $0.0 == key }
                if !value.isEmpty { fields.append((key, value)) }
            }
            dispute.evidence = JSONValue.object(fields.sorted { $0.0 < $1.0 }.map { ($0.0, .string($0.1)) }).rendered()
        }
        if let metadata = update.metadata { dispute.metadata = try metadata.applied(to: dispute.metadata) }
        if update.submit == true {
            dispute.submissionCount += 1
            dispute.status = found.submitted
        }
        try await saveDispute(dispute, from: found)
        try await emit("charge.dispute.updated", try await disputeJSON(dispute), id: dispute.id, previous: previous)
        if update.submit == true {
            if dispute.evidence.contains(DisputePolicy.winningEvidence) {
                return try await closeDispute(&dispute, to: dispute.status.decided(won: true))
            }
            if dispute.evidence.contains(DisputePolicy.losingEvidence) {
                return try await closeDispute(&dispute, to: dispute.status.decided(won: false))
            }
        }
        return dispute
    }

    /// The merchant accepts the dispute: it is lost (an inquiry just closes).
    public func acceptDispute(_ id: String) async throws -> Dispute {
        var dispute = try await lockedDispute(id)
        guard !dispute.isClosed else { throw Self.disputeClosed }
        return try await closeDispute(&dispute, to: dispute.status.accepted)
    }

    /// Closes a dispute; a won chargeback has its amount reinstated (once: a unique index on the reinstatement's
    /// source makes a second one fail the transaction).
    private func closeDispute(_ dispute: inout Dispute, to outcome: DisputeStatus) async throws -> Dispute {
        let found = dispute.status
        dispute.status = outcome
        try await saveDispute(dispute, from: found)
        if outcome == .won {
            let reinstatement = BalanceTransaction(
                id: ledger.ids("txn"), accountID: accountID, created: now, amount: dispute.amount,
                currency: dispute.currency, fee: 0, type: "adjustment", reportingCategory: "dispute_reversal",
                sourceID: dispute.id, availableOn: now, description: "Chargeback reversal for \(dispute.chargeID)",
                livemode: context.livemode)
            try await LedgerRows.post(reinstatement, on: connection)
            try await emit("charge.dispute.funds_reinstated", try await disputeJSON(dispute), id: dispute.id)
        }
        try await emit("charge.dispute.closed", try await disputeJSON(dispute), id: dispute.id)
        return dispute
    }

    /// The dispute, read for a change: locked until commit on PostgreSQL (see ``RowLock``).
    private func lockedDispute(_ id: String) async throws -> Dispute {
        try await lockedRow(.disputes, id, lock: ledger.faults.guardsDisputeTransitions, Dispute.init(row:))
    }

    /// Writes the dispute's new state, only from the status it was read in (a compare-and-set).
    private func saveDispute(_ dispute: Dispute, from found: DisputeStatus) async throws {
        precondition(dispute.status == found || found.canTransition(to: dispute.status),
                     "dispute \(dispute.id): \(found.rawValue) cannot become \(dispute.status.rawValue)")
        let compare: SQL = ledger.faults.guardsDisputeTransitions ? " AND status = \(found.rawValue)" : ""
        let changed = try await connection.execute("""
            UPDATE disputes SET status = \(dispute.status.rawValue), evidence = \(dispute.evidence),
                submission_count = \(dispute.submissionCount), metadata = \(dispute.metadata.storageText)
            WHERE id = \(dispute.id) AND account_id = \(accountID)\(sql: compare)
            """)
        try RowLock.expectOneChanged(changed)
    }

    static let disputeClosed = StripeError(type: .invalidRequest, code: "charge_dispute_closed",
                                           message: "This dispute is already closed.")

    func disputeJSON(_ dispute: Dispute) async throws -> JSONValue {
        try await reader.disputeJSON(dispute)
    }
}

/// Reads the stored evidence object back into ordered pairs.
enum EvidenceText {
    static func parse(_ text: String) -> [(String, String)] {
        Metadata(storageText: text).entries.map { ($0.key, $0.value) }
    }
}
