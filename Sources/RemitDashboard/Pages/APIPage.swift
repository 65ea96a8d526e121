import RemitCore
import RemitSQL
import RemitStreaming

/// `/dashboard/api`: the stream processor's realtime facts — p99 latency, request counts and error rates over the last
/// 24 hours of windows the warehouse holds, per endpoint, and per merchant and endpoint over the last hour — and the
/// error-rate alerts.
enum APIPage {
    static let spanMs: Int64 = 24 * 3_600_000
    static let linesMax = 5
    /// The per-merchant table covers the last hour: the operator's "now", and a few thousand rows to group.
    static let tableSpanMs: Int64 = 3_600_000

    static func build(_ sources: DashboardSources) async throws -> DashboardPage {
        let warehouse = sources.warehouse
        let newest = try await warehouse.read { connection in
            try await connection.queryFirst("SELECT MAX(window_end_ms) AS t FROM fact_api_performance_realtime")?.optionalInt("t")
        }
        let stats = sources.streamStats?.json(nowMs: sources.clock.unixMilliseconds().value)
        var lastCommit: Int64?
        if case .int(let ms)? = stats?["last_commit_ms"] { lastCommit = ms }
        var page = DashboardPage(
            title: "API performance",
            freshness: "Realtime facts of the stream processor; newest window "
                + (newest.map { Format.time(ms: $0) } ?? "none yet")
                + (lastCommit.map { ", last commit " + Format.time(ms: $0) } ?? "") + ".")
        let end = newest ?? sources.clock.unixMilliseconds().value
        let start = end - spanMs
        // One pass over the 24 hours, grouped in the covering index's order (window, endpoint): the per-window totals
        // and the busiest endpoints' lines both come from it. The per-merchant table is the last hour's.
        let (cells, pairs, alerts) = try await warehouse.read { connection in
            (try await connection.query("""
                SELECT window_end_ms, endpoint, SUM(request_count) AS requests, SUM(error_count) AS errors,
                    MAX(p99_latency) AS p99
                FROM fact_api_performance_realtime WHERE window_end_ms > \(start) AND window_end_ms <= \(end)
                GROUP BY window_end_ms, endpoint
                """),
             try await connection.query("""
                SELECT merchant_id, endpoint, SUM(request_count) AS requests, SUM(error_count) AS errors,
                    MAX(p99_latency) AS worst, SUM(avg_latency * request_count) / SUM(request_count) AS average
                FROM fact_api_performance_realtime WHERE window_end_ms > \(end - tableSpanMs) AND window_end_ms <= \(end)
                GROUP BY merchant_id, endpoint ORDER BY SUM(request_count) DESC LIMIT 50
                """),
             try await connection.query("SELECT * FROM stream_alerts ORDER BY updated_ms DESC LIMIT 50"))
        }
        // In any order (no ORDER BY: SQLite would sort what its index already grouped; PostgreSQL may hash).
        var byWindow: [Int64: (end: Int64, requests: Int64, errors: Int64, p99: Double?)] = [:]
        var endpointRequests: [String: Int64] = [:]
        for cell in cells {
            let end = cell.int("window_end_ms"), p99 = cell.optionalDouble("p99")
            var window = byWindow[end] ?? (end, 0, 0, nil)
            window.requests += cell.int("requests")
            window.errors += cell.int("errors")
            if let p99 { window.p99 = max(window.p99 ?? p99, p99) }
            byWindow[end] = window
            endpointRequests[cell.string("endpoint"), default: 0] += cell.int("requests")
        }
        let windows = byWindow.values.sorted { $0.end < $1.end }
        let busiest = Set(endpointRequests.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(linesMax).map(\.key))
        let requests = windows.reduce(0) { $0 + $1.requests }
        let errors = windows.reduce(0) { $0 + $1.errors }
        let firing = alerts.filter { $0.string("state") == "firing" }
        page.tiles = [
            .init(id: "requests", label: "Requests (24 h)", value: Format.count(requests)),
            .init(id: "errors", label: "5xx errors", value: Format.count(errors)),
            .init(id: "error_rate", label: "Error rate", value: Format.percent(requests == 0 ? nil : Double(errors) / Double(requests))),
            .init(id: "worst_p99", label: "Worst p99", value: Format.milliseconds(windows.compactMap(\.p99).max())),
            .init(id: "alerts_firing", label: "Alerts firing", value: Format.count(Int64(firing.count))),
        ]
        let times = windows.map(\.end)
        let labels = times.map { String(Format.time(ms: $0).dropFirst(11).prefix(5)) }
        let position = Dictionary(uniqueKeysWithValues: times.enumerated().map { ($0.element, $0.offset) })
        var lines: [String: [Double?]] = [:]
        for cell in cells where busiest.contains(cell.string("endpoint")) {
            guard let index = position[cell.int("window_end_ms")] else { continue }
            lines[cell.string("endpoint"), default: Array(repeating: nil, count: times.count)][index] = cell.optionalDouble("p99")
        }
        page.charts = [
            .init(id: "p99", heading: "p99 latency per 5-minute window (busiest endpoints)",
                  caption: "Exact PERCENTILE_CONT(0.99) of each window, the worst merchant's.",
                  chart: SVGChart(title: "p99 latency per five-minute window by endpoint",
                                  summary: "Lines of the 99th-percentile latency in milliseconds for the busiest endpoints.",
                                  kind: .lines, labels: labels,
                                  series: lines.keys.sorted().map { SVGChart.Series(name: $0, values: lines[$0]!) },
                                  format: { Format.milliseconds($0) })),
            .init(id: "traffic", heading: "Requests and 5xx per window", caption: "All merchants and endpoints.",
                  chart: SVGChart(title: "Requests and server errors per five-minute window",
                                  summary: "Stacked bars: successful requests and requests that failed with a 5xx.",
                                  kind: .bars, labels: labels,
                                  series: [.init(name: "requests without 5xx", values: windows.map { Double($0.requests - $0.errors) }),
                                           .init(name: "5xx", values: windows.map { Double($0.errors) })])),
        ]
        page.tables = [
            .init(id: "alerts", caption: "Error-rate alerts (more than 5 % of a merchant's requests failed in two adjacent minutes)",
                  columns: [.init(name: "Merchant"), .init(name: "State"), .init(name: "Since (first breach)"),
                            .init(name: "Fired at"), .init(name: "Resolved at"), .init(name: "Error rate", numeric: true),
                            .init(name: "Requests", numeric: true), .init(name: "Source")],
                  rows: alerts.map { row in
                      [DashboardPage.Cell(row.string("merchant_id")),
                       DashboardPage.Cell(row.string("state"), style: row.string("state") == "firing" ? "firing" : "ok"),
                       DashboardPage.Cell(Format.time(ms: row.int("first_breach_end_ms"))),
                       DashboardPage.Cell(Format.time(ms: row.int("fired_window_end_ms"))),
                       DashboardPage.Cell(row.optionalInt("resolved_window_end_ms").map { Format.time(ms: $0) } ?? "–"),
                       .number(Format.percent(row.double("error_rate"))), .number(Format.count(row.int("requests"))),
                       DashboardPage.Cell(row.string("source"))]
                  }, empty: "no alert yet"),
            .init(id: "endpoints", caption: "By merchant and endpoint (the last hour of windows)",
                  columns: [.init(name: "Merchant"), .init(name: "Endpoint"), .init(name: "Requests", numeric: true),
                            .init(name: "5xx", numeric: true), .init(name: "Error rate", numeric: true),
                            .init(name: "Average", numeric: true), .init(name: "Worst p99", numeric: true)],
                  rows: pairs.map { row in
                      let count = row.int("requests")
                      return [DashboardPage.Cell(row.string("merchant_id").isEmpty ? "(no merchant)" : row.string("merchant_id")),
                              DashboardPage.Cell(row.string("endpoint")), .number(Format.count(count)),
                              .number(Format.count(row.int("errors"))),
                              .number(Format.percent(count == 0 ? nil : Double(row.int("errors")) / Double(count))),
                              .number(Format.milliseconds(row.optionalDouble("average"))),
                              .number(Format.milliseconds(row.optionalDouble("worst")))]
                  }),
        ]
        return page
    }
}
