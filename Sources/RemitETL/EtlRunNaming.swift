import Foundation
import RemitCore

/// How an operator names a run: its logical date and its id in file names.
public enum EtlRunNaming {
    /// `YYYY-MM-DD` as a calendar day (nil when it is not one); no text means today, UTC.
    public static func logicalDate(_ text: String?, now: Date = Date()) -> (year: Int, month: Int, day: Int)? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let text else {
            let today = calendar.dateComponents([.year, .month, .day], from: now)
            return (today.year!, today.month!, today.day!)
        }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]),
              let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
              calendar.component(.day, from: date) == parts[2] else { return nil }
        return (parts[0], parts[1], parts[2])
    }

    /// A run id no other run shares: the UTC time to the second and 16 random bits.
    public static func runID(now: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: now) + "-" + String(UInt16.random(in: .min ... .max), radix: 16)
    }
}

extension LakeStager.TableReport {
    /// The report's fields for `remit etl stage --json`.
    public var json: JSONValue {
        .object([
            ("table", .string(table)), ("upserts", .int(Int64(upserts))), ("deletes", .int(Int64(deletes))),
            ("quarantined", .int(Int64(quarantined))), ("files", .array(files.map { .string($0) })),
            ("quarantine_files", .array(quarantineFiles.map { .string($0) })),
        ])
    }
}
