import Foundation

/// A job that runs once per period, at or after its time of the period (UTC); a node that was down at that
/// time runs it when it comes back within the same period.
public struct ScheduledJob: Sendable {
    public enum Cadence: Sendable {
        case daily(hour: Int)
        /// `weekday` 1 = Sunday … 7 = Saturday (Gregorian).
        case weekly(weekday: Int, hour: Int)
        case monthly(day: Int, hour: Int)
    }

    public var name: String
    public var cadence: Cadence
    public var run: @Sendable () async throws -> String

    public init(name: String, cadence: Cadence, run: @escaping @Sendable () async throws -> String) {
        self.name = name
        self.cadence = cadence
        self.run = run
    }

    /// The period `now` falls in, if the job is due in it (its time has come).
    public func duePeriod(at now: Date) -> String? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .weekday, .yearForWeekOfYear, .weekOfYear], from: now)
        let (year, month, day, hour) = (c.year!, c.month!, c.day!, c.hour!)
        switch cadence {
        case .daily(let at):
            return hour >= at ? String(format: "%04d-%02d-%02d", year, month, day) : nil
        case .weekly(let weekday, let at):
            // Due from that weekday's hour until the week ends (weeks start on Sunday here).
            let today = c.weekday!
            guard today > weekday || (today == weekday && hour >= at) else { return nil }
            return String(format: "%04d-W%02d", c.yearForWeekOfYear!, c.weekOfYear!)
        case .monthly(let dueDay, let at):
            return day > dueDay || (day == dueDay && hour >= at) ? String(format: "%04d-%02d", year, month) : nil
        }
    }
}
