import Foundation

enum EtlSchedule {
    /// The next time of day `hour`:00 UTC at or after `now` (the nightly run's deadline).
    static func deadline(after now: Date, hour: Int) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let today = calendar.date(bySettingHour: hour, minute: 0, second: 0, of: now) ?? now
        return today >= now ? today : calendar.date(byAdding: .day, value: 1, to: today) ?? today
    }

    /// The UTC day before `now`, `YYYY-MM-DD`: the day a nightly run loads.
    static func previousDay(_ now: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let yesterday = calendar.date(byAdding: .day, value: -1, to: now) ?? now
        let c = calendar.dateComponents([.year, .month, .day], from: yesterday)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }
}
