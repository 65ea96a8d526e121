import RemitCore
import RemitSQL
import RemitStore
import RemitWebhooks

/// `/dashboard/webhooks`: the seed's webhook figures (sent today, success rates, average delivery time, in retry,
/// dead), every endpoint's health over the last hour, attempts per hour, and the disabled endpoints. Live, from the
/// store.
enum WebhooksPage {
    static func build(_ sources: DashboardSources) async throws -> DashboardPage {
        let now = sources.clock.unixMilliseconds()
        let stats = try await WebhookStats.measure(sources.store, now: now, sampleMax: 20_000)
        let hourStart = now.value - now.value % 3_600_000 - 23 * 3_600_000
        let (hourly, endpoints) = try await sources.store.read { connection in
            (try await connection.query("""
                SELECT (started_ms - \(hourStart)) / 3600000 AS hour, count(*) AS attempts, SUM(succeeded) AS succeeded
                FROM webhook_attempts WHERE started_ms >= \(hourStart) GROUP BY 1
                """),
             try await connection.query("""
                SELECT id, account_id, url, status, last_success_at FROM webhook_endpoints WHERE deleted = 0 ORDER BY seq LIMIT 100
                """))
        }
        var page = DashboardPage(title: "Webhooks", freshness: "Live from the store, " + Format.time(ms: now.value) + ".")
        page.tiles = [
            .init(id: "sent_today", label: "Delivered today", value: Format.count(stats.sentToday)),
            .init(id: "first_attempt", label: "First-attempt success (24 h)", value: Format.percent(stats.firstAttemptSuccessRate)),
            .init(id: "final_success", label: "Final success (24 h)", value: Format.percent(stats.finalSuccessRate)),
            .init(id: "average_delivery", label: "Average delivery time",
                  value: Format.milliseconds(stats.deliveryMilliseconds.map(\.average))),
            .init(id: "in_retry", label: "In retry", value: Format.count(stats.inRetry)),
            .init(id: "dead", label: "Dead (replayable)", value: Format.count(stats.dead)),
        ]
        var succeeded = [Double?](repeating: nil, count: 24)
        var failed = [Double?](repeating: nil, count: 24)
        for row in hourly {
            let hour = Int(row.int("hour"))
            guard (0..<24).contains(hour) else { continue }
            succeeded[hour] = Double(row.int("succeeded"))
            failed[hour] = Double(row.int("attempts") - row.int("succeeded"))
        }
        let labels = (0..<24).map { String(Format.time(ms: hourStart + Int64($0) * 3_600_000).dropFirst(11).prefix(5)) }
        page.charts = [
            .init(id: "attempts", heading: "Delivery attempts per hour (24 h)", caption: "Succeeded and failed attempts.",
                  chart: SVGChart(title: "Webhook delivery attempts per hour",
                                  summary: "Stacked bars of successful and failed attempts for each of the last 24 hours.",
                                  kind: .bars, labels: labels,
                                  series: [.init(name: "succeeded", values: succeeded), .init(name: "failed", values: failed)])),
        ]
        let health = Dictionary(stats.endpoints.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        page.tables = [
            .init(id: "endpoint_health", caption: "Endpoints (health over the last hour)",
                  columns: [.init(name: "Endpoint"), .init(name: "Merchant"), .init(name: "URL"), .init(name: "Status"),
                            .init(name: "Attempts", numeric: true), .init(name: "Success", numeric: true),
                            .init(name: "Last success")],
                  rows: endpoints.map { row in
                      let figures = health[row.string("id")]
                      let rate = figures.map { $0.attempts == 0 ? nil : Double($0.succeeded) / Double($0.attempts) } ?? nil
                      return [DashboardPage.Cell(row.string("id")), DashboardPage.Cell(row.string("account_id")),
                              DashboardPage.Cell(row.string("url")),
                              DashboardPage.Cell(row.string("status"), style: row.string("status") == "enabled" ? "ok" : "bad"),
                              .number(Format.count(figures?.attempts ?? 0)), .number(Format.percent(rate)),
                              DashboardPage.Cell(row.optionalInt("last_success_at").map { Format.time(ms: $0) } ?? "–")]
                  }, empty: "no webhook endpoint yet"),
            .init(id: "disabled", caption: "Disabled endpoints",
                  columns: [.init(name: "Endpoint"), .init(name: "Merchant"), .init(name: "Reason")],
                  rows: stats.disabledEndpoints.map {
                      [DashboardPage.Cell($0.id), DashboardPage.Cell($0.accountID), DashboardPage.Cell($0.reason ?? "–")]
                  }, empty: "none"),
            .init(id: "delivery_times", caption: "Delivery time (24 h, commit to 2xx)",
                  columns: [.init(name: "Average", numeric: true), .init(name: "p50", numeric: true),
                            .init(name: "p95", numeric: true), .init(name: "p99", numeric: true),
                            .init(name: "Queue depth", numeric: true)],
                  rows: stats.deliveryMilliseconds.map { times in
                      [[.number(Format.milliseconds(times.average)), .number(Format.milliseconds(Double(times.p50))),
                        .number(Format.milliseconds(Double(times.p95))), .number(Format.milliseconds(Double(times.p99))),
                        .number(Format.count(stats.queueDepth))]]
                  } ?? [], empty: "no delivery in the last 24 hours"),
        ]
        return page
    }
}
