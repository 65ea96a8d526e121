import RemitCore
import RemitSQL
import RemitStreaming

/// `/dashboard/api`: the stream processor's realtime facts — p99 latency, request counts and error rates per
/// merchant and endpoint over the last 24 hours of windows the warehouse holds — and the error-rate alerts.
enum APIPage {
    static let spanMs: Int64 = 24 * 3_600_000
    static let linesMax = 5

    static func build(_ sources: DashboardSources) async throws -> DashboardPage {
        let warehouse = sources.warehouse
        let newest = try await warehouse.read { connection in
            try await connection.queryFirst("SELECT MAX(window_end_ms) AS t FROM fact_api_performance_realtime")?.optionalInt("t")
        }
        let stats = sources.streamStats?.json(nowMs: sources.clock.unixMilliseconds())
        var lastCommit: Int64?
        if case .int(let ms)? = stats?["last_commit_ms"] { lastCommit = ms }
        var page = DashboardPage(
            title: "API performance",
            freshness: "Realtime facts of the stream processor; newest window "
                + (newest.map { Format.time(ms: $0) } ?? "none yet")
                + (lastCommit.map { ", last commit " + Format.time(ms: $0) } ?? "") + ".")
        let end = newest ?? sources.clock.unixMilliseconds()
        let start = end - spanMs
        let (windows, endpoints, pairs, alerts) = try await warehouse.read { connection in
            (try await connection.query("""
                SELECT window_end_ms, SUM(request_count) AS requests, SUM(error_count) AS errors, MAX(p99_latency) AS p99
                FROM fact_api_performance_realtime WHERE window_end_ms > \(start) AND window_end_ms <= \(end)
                GROUP BY window_end_ms ORDER BY window_end_ms
                """),
             try await connection.query("""
                SELECT endpoint, window_end_ms, MAX(p99_latency) AS p99 FROM fact_api_performance_realtime
                WHERE window_end_ms > \(start) AND window_end_ms <= \(end) AND endpoint IN (
                    SELECT endpoint FROM fact_api_performance_realtime WHERE window_end_ms > \(start) AND window_end_ms <= \(end)
                    GROUP BY endpoint ORDER BY SUM(request_count) DESC LIMIT \(Int64(linesMax)))
                GROUP BY endpoint, window_end_ms
                """),
             try await connection.query("""
                SELECT merchant_id, endpoint, SUM(request_count) AS requests, SUM(error_count) AS errors,
                    MAX(p99_latency) AS worst, SUM(avg_latency * request_count) / SUM(request_count) AS average
                FROM fact_api_performance_realtime WHERE window_end_ms > \(start) AND window_end_ms <= \(end)
                GROUP BY merchant_id, endpoint ORDER BY SUM(request_count) DESC LIMIT 50
                """),
             try await connection.query("SELECT * FROM stream_alerts ORDER BY updated_ms DESC LIMIT 50"))
        }
        let requests = windows.reduce(0) { $0 + $1.int("requests") }
        let errors = windows.reduce(0) { $0 + $1.int("errors") }
        let firing = alerts.filter { $0.string("state") == "firing" }
        page.tiles = [
            .init(id: "requests", label: "Requests (24 h)", value: Format.count(requests)),
            .init(id: "errors", label: "5xx errors", value: Format.count(errors)),
            .init(id: "error_rate", label: "Error rate", value: Format.percent(requests == 0 ? nil : Double(errors) / Double(requests))),
            .init(id: "worst_p99", label: "Worst p99", value: Format.milliseconds(windows.compactMap { $0.optionalDouble("p99") }.max())),
            .init(id: "alerts_firing", label: "Alerts firing", value: Format.count(Int64(firing.count))),
        ]
        let times = windows.map { $0.int("window_end_ms") }
        let labels = times.map { String(Format.time(ms: $0).dropFirst(11).prefix(5)) }
        let position = Dictionary(uniqueKeysWithValues: times.enumerated().map { ($0.element, $0.offset) })
        var lines: [String: [Double?]] = [:]
        for row in endpoints {
            guard let index = position[row.int("window_end_ms")] else { continue }
            lines[row.string("endpoint"), default: Array(repeating: nil, count: times.count)][index] = row.optionalDouble("p99")
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
                                  series: [.init(name: "requests without 5xx", values: windows.map { Double($0.int("requests") - $0.int("errors")) }),
                                           .init(name: "5xx", values: windows.map { Double($0.int("errors")) })])),
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
            .init(id: "endpoints", caption: "By merchant and endpoint (24 h)",
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
