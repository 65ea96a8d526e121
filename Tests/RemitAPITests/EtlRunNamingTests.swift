import Foundation
import RemitETL
import Testing

@Suite struct EtlRunNamingTests {
    @Test func aLogicalDateIsACalendarDayAndNoTextMeansTodayUTC() {
        #expect(EtlRunNaming.logicalDate("2026-11-25")! == (2026, 11, 25))
        #expect(EtlRunNaming.logicalDate("2024-02-29")! == (2024, 2, 29), "a leap day")
        #expect(EtlRunNaming.logicalDate("2026-02-31") == nil, "not rolled over to March")
        #expect(EtlRunNaming.logicalDate("2026-13-01") == nil)
        #expect(EtlRunNaming.logicalDate("yesterday") == nil)
        let now = Date(timeIntervalSince1970: 1_765_065_600 - 1)  // 2025-12-06T23:59:59Z
        #expect(EtlRunNaming.logicalDate(nil, now: now)! == (2025, 12, 6))
    }

    @Test func runIDsNameTheSecondAndDifferFromEachOther() {
        let now = Date(timeIntervalSince1970: 1_765_065_600)
        let ids = (0..<8).map { _ in EtlRunNaming.runID(now: now) }
        #expect(ids.allSatisfy { $0.hasPrefix("20251207T000000Z-") })
        #expect(Set(ids).count > 1)
    }
}
