import RemitCore
import Testing

struct ChargeStatusTests {
    @Test func onlyAPendingChargeIsDecidedAndADecidedOneNeverChanges() {
        for from in ChargeStatus.allCases {
            for to in ChargeStatus.allCases {
                #expect(from.canTransition(to: to) == (from == .pending && to != .pending), "\(from) → \(to)")
            }
        }
    }

    @Test func theWireNamesAreStripes() {
        #expect(ChargeStatus.allCases.map(\.rawValue) == ["pending", "succeeded", "failed"])
    }
}
