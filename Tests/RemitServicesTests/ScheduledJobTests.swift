import Foundation
import RemitServices
import Testing

struct ScheduledJobTests {
    static func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func weeklyJobsAreDueFromTheirHourUntilTheWeekEnds() {
        let job = ScheduledJob(name: "w", cadence: .weekly(weekday: 2, hour: 3)) { "" }
        #expect(job.duePeriod(at: Self.date("2026-11-23T02:59:00Z")) == nil, "Monday before 03:00")
        let monday = job.duePeriod(at: Self.date("2026-11-23T03:00:00Z"))
        #expect(monday != nil)
        #expect(job.duePeriod(at: Self.date("2026-11-28T23:00:00Z")) == monday, "still the same week on Saturday")
        #expect(job.duePeriod(at: Self.date("2026-11-29T12:00:00Z")) == nil, "Sunday starts the next week")
    }

    @Test func monthlyAndDailyPeriods() {
        let monthly = ScheduledJob(name: "m", cadence: .monthly(day: 1, hour: 4)) { "" }
        #expect(monthly.duePeriod(at: Self.date("2026-12-01T03:00:00Z")) == nil)
        #expect(monthly.duePeriod(at: Self.date("2026-12-01T04:00:00Z")) == "2026-12")
        #expect(monthly.duePeriod(at: Self.date("2026-12-20T00:00:00Z")) == "2026-12")
        let daily = ScheduledJob(name: "d", cadence: .daily(hour: 2)) { "" }
        #expect(daily.duePeriod(at: Self.date("2026-11-25T01:00:00Z")) == nil)
        #expect(daily.duePeriod(at: Self.date("2026-11-25T02:00:00Z")) == "2026-11-25")
    }
}
