import Foundation

/// What one run did: its range, each step's duration and row counts, each validation check.
public struct EtlRunReport: Sendable {
    public struct Step: Sendable {
        public var name: String
        public var seconds: Double
        public var rows: Int
    }

    public struct Check: Sendable {
        public var name: String
        public var passed: Bool
        public var detail: String
    }

    public var runID: String
    public var logicalDate: String
    public var fromLSN: Int64
    public var toLSN: Int64
    public var status = "running"
    /// Rows the quality rules kept out of the warehouse.
    public var quarantined = 0
    public var steps: [Step] = []
    public var checks: [Check] = []
    public var error: String?

    public var failedChecks: [Check] { checks.filter { !$0.passed } }

    public var json: String {
        let document: [String: Any] = [
            "run_id": runID, "logical_date": logicalDate, "from_lsn": fromLSN, "to_lsn": toLSN, "status": status, "quarantined": quarantined,
            "steps": steps.map { ["name": $0.name, "seconds": ($0.seconds * 1000).rounded() / 1000, "rows": $0.rows] },
            "checks": checks.map { ["name": $0.name, "passed": $0.passed, "detail": $0.detail] },
            "error": error as Any,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    public var text: String {
        var lines = ["run \(runID) for \(logicalDate), LSN (\(fromLSN), \(toLSN)]: \(status)"]
        for step in steps { lines.append(String(format: "  %-12@ %8.3f s  %d rows", step.name as NSString, step.seconds, step.rows)) }
        if quarantined > 0 { lines.append("  quarantined \(quarantined) rows (lake/quarantine, etl_quarantine)") }
        for check in checks { lines.append("  check \(check.passed ? "✔" : "✘") \(check.name): \(check.detail)") }
        if let error { lines.append("  error: \(error)") }
        return lines.joined(separator: "\n")
    }
}
