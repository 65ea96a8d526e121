import Foundation

enum EtlSchedule {
    /// The UTC day before `now`, `YYYY-MM-DD`: the day a nightly run loads.
    static func previousDay(_ now: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let yesterday = calendar.date(byAdding: .day, value: -1, to: now) ?? now
        let c = calendar.dateComponents([.year, .month, .day], from: yesterday)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }
}
