import Foundation
import RemitCore
import RemitSQL

/// `/dashboard/fraud`: decisions over time and the score distribution (the warehouse's daily fraud aggregates), the
/// models in service with their metrics, and the open review queue (the store, live).
enum FraudPage {
    static let days: Int64 = 30

    /// Stripe's outcome types, as the page groups them.
    static func decision(_ outcome: String) -> String {
        switch outcome {
        case "authorized": "approved"
        case "manual_review": "review"
        case "blocked": "blocked"
        default: "declined by the issuer"
        }
    }

    static let decisions = ["approved", "review", "blocked", "declined by the issuer"]

    static func build(_ sources: DashboardSources) async throws -> DashboardPage {
        let (newest, published) = try await sources.warehouse.read { connection in
            (try await connection.queryFirst("SELECT MAX(date_key) AS d FROM agg_fraud_daily")?.optionalInt("d"),
             try await connection.queryFirst("SELECT MAX(finished_at) AS t FROM etl_run WHERE status = 'published'")?
                .optionalString("t"))
        }
        let last = newest ?? sources.todayKey
        let first = Format.dateKey(last, minusDays: days - 1)
        let keys = Format.dateKeys(from: first, through: last)
        let (daily, buckets) = try await sources.warehouse.read { connection in
            (try await connection.query("""
                SELECT date_key, outcome_type, SUM(charges) AS charges FROM agg_fraud_daily
                WHERE date_key >= \(first) AND date_key <= \(last) GROUP BY date_key, outcome_type
                """),
             try await connection.query("""
                SELECT risk_bucket, SUM(charges) AS charges FROM agg_fraud_daily
                WHERE date_key >= \(first) AND date_key <= \(last) GROUP BY risk_bucket
                """))
        }
        let (models, reviews, openCount) = try await sources.store.read { connection in
            (try await connection.query("""
                SELECT version, status, created, promoted_at, metrics, description FROM fraud_models
                WHERE status IN ('champion', 'shadow', 'candidate') ORDER BY created DESC LIMIT 10
                """),
             try await connection.query("""
                SELECT r.id, r.charge_id, r.created, r.reason, c.amount, c.currency, c.account_id, c.outcome_risk_score
                FROM reviews r JOIN charges c ON c.id = r.charge_id WHERE r.open = 1 ORDER BY r.created DESC LIMIT 50
                """),
             try await connection.queryFirst("SELECT count(*) AS n FROM reviews WHERE open = 1")?.int("n") ?? 0)
        }
        var page = DashboardPage(
            title: "Fraud",
            freshness: "Decisions from the warehouse as of the last published nightly run ("
                + (published.map { Format.time(iso: $0) } ?? "none yet") + "); models and the review queue live, "
                + Format.time(ms: sources.clock.unixMilliseconds().value) + ".")
        var counts: [String: Int64] = [:]
        for row in daily { counts[decision(row.string("outcome_type")), default: 0] += row.int("charges") }
        let total = counts.values.reduce(0, +)
        let champion = models.first { $0.string("status") == "champion" }
        page.tiles = [
            .init(id: "charges", label: "Charges scored (\(days) days)", value: Format.count(total)),
            .init(id: "review_rate", label: "Sent to review", value: Format.percent(total == 0 ? nil : Double(counts["review"] ?? 0) / Double(total))),
            .init(id: "block_rate", label: "Blocked", value: Format.percent(total == 0 ? nil : Double(counts["blocked"] ?? 0) / Double(total))),
            .init(id: "open_reviews", label: "Open reviews", value: Format.count(openCount)),
            .init(id: "model", label: "Model deciding", value: champion?.string("version") ?? "the shipped default"),
        ]
        let position = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($0.element, $0.offset) })
        var series = decisions.map { SVGChart.Series(name: $0, values: Array(repeating: nil, count: keys.count)) }
        for row in daily {
            guard let index = position[row.int("date_key")], let kind = decisions.firstIndex(of: decision(row.string("outcome_type")))
            else { continue }
            series[kind].values[index] = (series[kind].values[index] ?? 0) + Double(row.int("charges"))
        }
        var histogram = [Double?](repeating: nil, count: 10)
        for row in buckets { histogram[Int(min(max(row.int("risk_bucket"), 0), 9))] = Double(row.int("charges")) }
        page.charts = [
            .init(id: "decisions", heading: "Decisions per day", caption: "Approved, sent to review, blocked, declined by the issuer.",
                  chart: SVGChart(title: "Fraud decisions per day", summary: "Stacked bars of charges per day by decision.",
                                  kind: .bars, labels: keys.map(Format.shortDay(key:)), series: series)),
            .init(id: "scores", heading: "Risk score distribution (\(days) days)", caption: "Charges by outcome.risk_score, in tens.",
                  chart: SVGChart(title: "Distribution of risk scores", summary: "Charges per band of ten risk-score points.",
                                  kind: .bars, labels: (0..<10).map { "\($0 * 10)–\($0 * 10 + 9)" },
                                  series: [.init(name: "charges", values: histogram)])),
        ]
        page.tables = [
            .init(id: "models", caption: "Models",
                  columns: [.init(name: "Version"), .init(name: "Status"), .init(name: "Registered"), .init(name: "Promoted"),
                            .init(name: "Metrics")],
                  rows: models.map { row in
                      [DashboardPage.Cell(row.string("version")), DashboardPage.Cell(row.string("status")),
                       DashboardPage.Cell(Format.time(seconds: row.int("created"))),
                       DashboardPage.Cell(row.optionalInt("promoted_at").map { Format.time(seconds: $0) } ?? "–"),
                       DashboardPage.Cell(metrics(row.optionalString("metrics")))]
                  }, empty: "no model registered: the shipped default model decides"),
            .init(id: "reviews", caption: "Review queue (open, newest first)",
                  columns: [.init(name: "Review"), .init(name: "Charge"), .init(name: "Merchant"), .init(name: "Opened"),
                            .init(name: "Reason"), .init(name: "Amount", numeric: true), .init(name: "Risk score", numeric: true)],
                  rows: reviews.map { row in
                      [DashboardPage.Cell(row.string("id")), DashboardPage.Cell(row.string("charge_id")),
                       DashboardPage.Cell(row.string("account_id")), DashboardPage.Cell(Format.time(seconds: row.int("created"))),
                       DashboardPage.Cell(row.string("reason")),
                       .number(Format.money(row.int("amount"), currency: row.string("currency"))),
                       .number(String(row.int("outcome_risk_score")))]
                  }, empty: "no charge waiting for review"),
        ]
        return page
    }

    /// A model's metrics JSON as `auc 0.952 · pr_auc 0.656`.
    static func metrics(_ text: String?) -> String {
        guard let text, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return "–" }
        return object.keys.sorted().prefix(6).map { key in
            if let number = object[key] as? NSNumber { return "\(key) \(String(format: "%.3f", number.doubleValue))" }
            return "\(key) \(object[key].map { "\($0)" } ?? "")"
        }.joined(separator: " · ")
    }
}
