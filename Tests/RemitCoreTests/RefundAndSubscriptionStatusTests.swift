import RemitCore
import Testing

@Suite struct RefundAndSubscriptionStatusTests {
    @Test func aFinalRefundStatusNeverChangesButAnIssuerMayReturnASucceededOne() {
        for to in RefundStatus.allCases {
            #expect(!RefundStatus.failed.canTransition(to: to), "failed → \(to)")
            #expect(!RefundStatus.canceled.canTransition(to: to), "canceled → \(to)")
            #expect(RefundStatus.succeeded.canTransition(to: to) == (to == .failed), "succeeded → \(to)")
        }
        #expect(RefundStatus.pending.canTransition(to: .succeeded))
        #expect(!RefundStatus.pending.canTransition(to: .requiresAction))
    }

    @Test func aCanceledOrExpiredSubscriptionIsFinalAndNoStatusFollowsItself() {
        for from in SubscriptionStatus.allCases {
            #expect(!from.canTransition(to: from), "\(from) → itself is no transition")
            for to in SubscriptionStatus.allCases where from.isFinal {
                #expect(!from.canTransition(to: to), "\(from) is final, not → \(to)")
            }
            #expect(from.isFinal || from.canTransition(to: .canceled) || from == .incompleteExpired,
                    "every open subscription can be canceled: \(from)")
        }
        #expect(SubscriptionStatus.incomplete.canTransition(to: .active))
        #expect(!SubscriptionStatus.incomplete.canTransition(to: .pastDue), "never paid, so never past due")
        #expect(SubscriptionStatus.pastDue.canTransition(to: .active), "a retried renewal that succeeds")
    }
}
