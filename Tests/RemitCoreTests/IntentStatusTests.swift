import RemitCore
import Testing

/// The PaymentIntent and SetupIntent status machines, row by row from research/payment-intents.md §1.2.
struct IntentStatusTests {
    typealias PI = PaymentIntentStatus

    @Test func aPaymentIntentMovesExactlyAsStripesTableSays() {
        let allowed: Set<String> = [
            "requires_payment_method→requires_confirmation",
            "requires_payment_method→requires_action", "requires_payment_method→processing",
            "requires_payment_method→requires_capture", "requires_payment_method→succeeded",
            "requires_payment_method→canceled",
            "requires_confirmation→requires_payment_method", "requires_confirmation→requires_action",
            "requires_confirmation→processing", "requires_confirmation→requires_capture",
            "requires_confirmation→succeeded", "requires_confirmation→canceled",
            "requires_action→requires_payment_method", "requires_action→requires_confirmation",
            "requires_action→processing", "requires_action→requires_capture", "requires_action→succeeded",
            "requires_action→canceled",
            "processing→requires_payment_method", "processing→requires_capture", "processing→succeeded",
            "processing→canceled",
            "requires_capture→succeeded", "requires_capture→canceled",
        ]
        for from in PI.allCases {
            for to in PI.allCases {
                let name = "\(from.rawValue)→\(to.rawValue)"
                #expect(from.canTransition(to: to) == allowed.contains(name), "\(name)")
            }
        }
    }

    @Test func onlyOpenIntentsConfirmCancelOrCapture() {
        #expect(PI.allCases.filter(\.acceptsConfirmation) == [.requiresPaymentMethod, .requiresConfirmation, .requiresAction])
        #expect(PI.allCases.filter(\.acceptsCapture) == [.requiresCapture])
        #expect(PI.allCases.filter { !$0.acceptsCancellation } == [.canceled, .succeeded])
    }

    @Test func aSetupIntentIsAPaymentIntentWithoutCapture() {
        for from in SetupIntentStatus.allCases {
            for to in SetupIntentStatus.allCases {
                let same = PI(rawValue: from.rawValue)!.canTransition(to: PI(rawValue: to.rawValue)!)
                #expect(from.canTransition(to: to) == same, "\(from.rawValue)→\(to.rawValue)")
            }
        }
        #expect(SetupIntentStatus.allCases.filter(\.isFinal) == [.canceled, .succeeded])
    }
}
