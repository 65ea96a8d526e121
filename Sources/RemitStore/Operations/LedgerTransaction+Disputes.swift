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
        let dispute = Dispute(
            id: ledger.ids("dp"), accountID: accountID, created: now, chargeID: charge.id, amount: charge.amount,
            currency: charge.currency, reason: scenario.reason, status: scenario.status,
            dueBy: now + DisputePolicy.responseWindowSeconds, livemode: context.livemode)
        try await connection.execute("""
            INSERT INTO disputes (id, account_id, created, charge_id, amount, currency, reason, status, evidence,
                submission_count, due_by, metadata, livemode)
            VALUES (\(dispute.id), \(accountID), \(dispute.created), \(dispute.chargeID), \(dispute.amount),
                \(dispute.currency.code), \(dispute.reason), \(dispute.status), \(dispute.evidence), 0,
                \(dispute.dueBy), \(dispute.metadata.storageText), \(dispute.livemode))
            """)
        charge.disputed = true
        try await ChargeRows.update(charge, on: connection)
        try await FraudRows.recordDispute(chargeID: charge.id, reason: dispute.reason, at: now, on: connection)
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
        guard var dispute = try await reader.dispute(id) else { throw StripeError.noSuch("dispute", id) }
        guard !dispute.isClosed else {
            throw StripeError(status: 400, type: .invalidRequest, code: "charge_dispute_closed",
                              message: "This dispute is already closed.")
        }
        let previous = JSONValue.object([("evidence", .raw(dispute.evidence)), ("status", .string(dispute.status))])
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
            dispute.status = dispute.isInquiry ? "warning_under_review" : "under_review"
        }
        try await saveDispute(dispute)
        try await emit("charge.dispute.updated", try await disputeJSON(dispute), id: dispute.id, previous: previous)
        if update.submit == true {
            if dispute.evidence.contains(DisputePolicy.winningEvidence) {
                return try await closeDispute(&dispute, outcome: dispute.status == "warning_under_review" ? "warning_closed" : "won")
            }
            if dispute.evidence.contains(DisputePolicy.losingEvidence) {
                return try await closeDispute(&dispute, outcome: dispute.status == "warning_under_review" ? "warning_closed" : "lost")
            }
        }
        return dispute
    }

    /// The merchant accepts the dispute: it is lost (an inquiry just closes).
    public func acceptDispute(_ id: String) async throws -> Dispute {
        guard var dispute = try await reader.dispute(id) else { throw StripeError.noSuch("dispute", id) }
        guard !dispute.isClosed else {
            throw StripeError(status: 400, type: .invalidRequest, code: "charge_dispute_closed",
                              message: "This dispute is already closed.")
        }
        return try await closeDispute(&dispute, outcome: dispute.isInquiry ? "warning_closed" : "lost")
    }

    private func closeDispute(_ dispute: inout Dispute, outcome: String) async throws -> Dispute {
        dispute.status = outcome
        try await saveDispute(dispute)
        if outcome == "won" {
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

    private func saveDispute(_ dispute: Dispute) async throws {
        try await connection.execute("""
            UPDATE disputes SET status = \(dispute.status), evidence = \(dispute.evidence),
                submission_count = \(dispute.submissionCount), metadata = \(dispute.metadata.storageText)
            WHERE id = \(dispute.id) AND account_id = \(accountID)
            """)
    }

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
