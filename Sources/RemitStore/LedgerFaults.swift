import Synchronization

/// Guards a test can remove, to prove they are what keeps the money right: the randomized ledger test must fail
/// with one of them off. Every switch is off in production; nothing but a test turns one on.
public final class LedgerFaults: Sendable {
    private let disputeGuards = Atomic<Bool>(true)

    public init() {}

    /// Whether dispute transitions read their row `FOR UPDATE` and change it only from the status they read.
    public var guardsDisputeTransitions: Bool { disputeGuards.load(ordering: .relaxed) }

    /// Removes (or restores) the row lock and the compare-and-set of dispute transitions.
    public func setDisputeTransitionsGuarded(_ guarded: Bool) { disputeGuards.store(guarded, ordering: .relaxed) }
}
