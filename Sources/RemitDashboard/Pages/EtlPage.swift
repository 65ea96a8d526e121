import Foundation
import RemitCore
import RemitSQL

/// `/dashboard/etl`: the nightly runs — history with durations and row counts, the latest run's steps and checks,
/// failures and their reasons, the rows quarantined.
enum EtlPage {
    static func build(_ sources: DashboardSources) async throws -> DashboardPage {
        let (runs, quarantine) = try await sources.warehouse.read { connection in
            (try await connection.query("""
                SELECT run_id, logical_date, from_lsn, to_lsn, status, started_at, finished_at, report, error, quarantined
                FROM etl_run ORDER BY started_at DESC LIMIT 30
                """),
             try await connection.query("""
                SELECT run_id, table_name, row_key, reason FROM etl_quarantine ORDER BY run_id DESC, table_name, row_key LIMIT 50
                """))
        }
        let published = runs.first { $0.string("status") == "published" }
        var page = DashboardPage(
            title: "Nightly ETL",
            freshness: "The warehouse's run log; last published run "
                + (published.map { "\($0.string("run_id")) for \($0.string("logical_date")), " + Format.time(iso: $0.optionalString("finished_at")) }
                    ?? "none yet") + ".")
        let reports = runs.map { Report(json: $0.optionalString("report")) }
        let failed = runs.filter { ["failed", "timed_out", "abandoned"].contains($0.string("status")) }
        page.tiles = [
            .init(id: "runs", label: "Runs shown", value: Format.count(Int64(runs.count))),
            .init(id: "published", label: "Published", value: Format.count(Int64(runs.count - failed.count))),
            .init(id: "failed", label: "Failed", value: Format.count(Int64(failed.count))),
            .init(id: "last_duration", label: "Last run",
                  value: reports.first.map { Format.seconds($0.seconds) } ?? "–"),
            .init(id: "quarantined", label: "Rows quarantined (shown runs)",
                  value: Format.count(runs.reduce(0) { $0 + $1.int("quarantined") })),
        ]
        let chronological = Array(zip(runs, reports).reversed())
        page.charts = [
            .init(id: "durations", heading: "Run durations", caption: "Seconds per run, oldest first.",
                  chart: SVGChart(title: "Duration of each ETL run", summary: "Bars of the seconds each run took.",
                                  kind: .bars, labels: chronological.map { String($0.0.string("logical_date").suffix(5)) },
                                  series: [.init(name: "seconds", values: chronological.map { $0.1.steps.isEmpty ? nil : $0.1.seconds })],
                                  format: { Format.seconds($0) })),
            .init(id: "rows", heading: "Rows extracted per run", caption: "Net changes taken by each run.",
                  chart: SVGChart(title: "Rows extracted by each ETL run", summary: "Bars of the net changes each run extracted.",
                                  kind: .bars, labels: chronological.map { String($0.0.string("logical_date").suffix(5)) },
                                  series: [.init(name: "rows", values: chronological.map { $0.1.extracted.map(Double.init) })])),
        ]
        page.tables = [
            .init(id: "runs", caption: "Runs (newest first)",
                  columns: [.init(name: "Run"), .init(name: "Day"), .init(name: "Status"), .init(name: "Started"),
                            .init(name: "Duration", numeric: true), .init(name: "LSN range"),
                            .init(name: "Quarantined", numeric: true), .init(name: "Failure")],
                  rows: zip(runs, reports).map { row, report in
                      [DashboardPage.Cell(row.string("run_id")), DashboardPage.Cell(row.string("logical_date")),
                       DashboardPage.Cell(row.string("status"), style: "status-" + row.string("status")),
                       DashboardPage.Cell(Format.time(iso: row.string("started_at"))),
                       .number(report.steps.isEmpty ? "–" : Format.seconds(report.seconds)),
                       DashboardPage.Cell("(\(row.int("from_lsn")), \(row.int("to_lsn"))]"),
                       .number(Format.count(row.int("quarantined"))),
                       DashboardPage.Cell(row.optionalString("error") ?? "")]
                  }, empty: "no run yet: `remit etl run`, or wait for 02:00 UTC"),
            .init(id: "steps", caption: "Steps of the latest run" + (runs.first.map { " (\($0.string("run_id")))" } ?? ""),
                  columns: [.init(name: "Step"), .init(name: "Seconds", numeric: true), .init(name: "Rows", numeric: true)],
                  rows: (reports.first?.steps ?? []).map {
                      [DashboardPage.Cell($0.name), .number(Format.seconds($0.seconds)), .number(Format.count($0.rows))]
                  }),
            .init(id: "checks", caption: "Checks of the latest run",
                  columns: [.init(name: "Check"), .init(name: "Result"), .init(name: "Detail")],
                  rows: (reports.first?.checks ?? []).map {
                      [DashboardPage.Cell($0.name), DashboardPage.Cell($0.passed ? "passed" : "failed", style: $0.passed ? "ok" : "bad"),
                       DashboardPage.Cell($0.detail)]
                  }, empty: "no check ran (the run stopped before validation)"),
            .init(id: "quarantine", caption: "Quarantined rows (newest runs)",
                  columns: [.init(name: "Run"), .init(name: "Table"), .init(name: "Row"), .init(name: "Reason")],
                  rows: quarantine.map { row in
                      [DashboardPage.Cell(row.string("run_id")), DashboardPage.Cell(row.string("table_name")),
                       DashboardPage.Cell(row.string("row_key")), DashboardPage.Cell(row.string("reason"))]
                  }, empty: "none"),
        ]
        return page
    }

    /// The parts of a run's JSON report the page shows.
    struct Report {
        var steps: [(name: String, seconds: Double, rows: Int64)] = []
        var checks: [(name: String, passed: Bool, detail: String)] = []

        init(json: String?) {
            guard let json, let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return }
            // A run in slices repeats its steps once per slice: the page shows each step once, summed.
            var positions: [String: Int] = [:]
            for step in object["steps"] as? [[String: Any]] ?? [] {
                let (name, seconds, rows) = (step["name"] as? String ?? "", (step["seconds"] as? NSNumber)?.doubleValue ?? 0,
                                             (step["rows"] as? NSNumber)?.int64Value ?? 0)
                if let position = positions[name] {
                    steps[position].seconds += seconds
                    steps[position].rows += rows
                } else {
                    positions[name] = steps.count
                    steps.append((name, seconds, rows))
                }
            }
            for check in object["checks"] as? [[String: Any]] ?? [] {
                checks.append((check["name"] as? String ?? "", (check["passed"] as? NSNumber)?.boolValue ?? false,
                               check["detail"] as? String ?? ""))
            }
        }

        /// The run's duration: its steps, less the one that ran beside the others.
        var seconds: Double { steps.filter { !$0.name.contains("beside") }.reduce(0) { $0 + $1.seconds } }
        /// Every slice's rows: a run reads its first slice as `extract`, the others ahead, beside the load.
        var extracted: Int64? {
            let reads = steps.filter { $0.name == "extract" || $0.name == "extract (beside the load)" }
            return reads.isEmpty ? nil : reads.reduce(0) { $0 + $1.rows }
        }
    }
}
