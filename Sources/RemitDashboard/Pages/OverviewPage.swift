import RemitCore
import RemitSQL

/// `/dashboard`: payment volume and revenue per day in USD from the warehouse's daily aggregates (the last 30 days
/// it holds), by currency and by merchant, with refunds, disputes, fees and net, and how many payments came through
/// PaymentIntents and were authenticated with 3-D Secure.
enum OverviewPage {
    static let days: Int64 = 30

    static func build(_ sources: DashboardSources) async throws -> DashboardPage {
        let warehouse = sources.warehouse
        let (newest, published) = try await warehouse.read { connection in
            (try await connection.queryFirst("SELECT MAX(date_key) AS d FROM agg_merchant_daily")?.optionalInt("d"),
             try await connection.queryFirst("SELECT MAX(finished_at) AS t FROM etl_run WHERE status = 'published'")?
                .optionalString("t"))
        }
        var page = DashboardPage(
            title: "Overview",
            freshness: "From the warehouse, as of the last published nightly run: "
                + (published.map { Format.time(iso: $0) } ?? "none yet") + ". Amounts in USD at the ECB rate of each day.")
        let last = newest ?? sources.todayKey
        let first = Format.dateKey(last, minusDays: days - 1)
        let keys = Format.dateKeys(from: first, through: last)
        let (daily, merchants, currencies) = try await warehouse.read { connection in
            (try await connection.query("""
                SELECT date_key, currency, SUM(payments) AS payments, SUM(gross_usd_cents) AS gross, SUM(fees_usd_cents) AS fees,
                    SUM(refunds_usd_cents) AS refunds, SUM(disputes_usd_cents) AS disputes, SUM(net_usd_cents) AS net,
                    SUM(intent_payments) AS intent_payments, SUM(authenticated_payments) AS authenticated_payments
                FROM agg_merchant_daily WHERE date_key >= \(first) AND date_key <= \(last) GROUP BY date_key, currency
                """),
             try await connection.query("""
                SELECT a.merchant_id, MAX(m.email) AS email, SUM(a.payments) AS payments, SUM(a.gross_usd_cents) AS gross,
                    SUM(a.refunds_usd_cents) AS refunds, SUM(a.disputes_usd_cents) AS disputes, SUM(a.fees_usd_cents) AS fees,
                    SUM(a.net_usd_cents) AS net
                FROM agg_merchant_daily a LEFT JOIN dim_merchant m ON m.merchant_id = a.merchant_id AND m.valid_to IS NULL
                WHERE a.date_key >= \(first) AND a.date_key <= \(last)
                GROUP BY a.merchant_id ORDER BY SUM(a.gross_usd_cents) DESC LIMIT 25
                """),
             try await connection.query("""
                SELECT currency, SUM(payments) AS payments, SUM(gross) AS gross_minor, SUM(gross_usd_cents) AS gross,
                    SUM(net_usd_cents) AS net
                FROM agg_merchant_daily WHERE date_key >= \(first) AND date_key <= \(last)
                GROUP BY currency ORDER BY SUM(gross_usd_cents) DESC
                """))
        }
        var total = (payments: Int64(0), gross: Int64(0), fees: Int64(0), refunds: Int64(0), disputes: Int64(0), net: Int64(0))
        var (intentPayments, authenticatedPayments) = (Int64(0), Int64(0))
        for row in daily {
            intentPayments += row.int("intent_payments")
            authenticatedPayments += row.int("authenticated_payments")
            total.payments += row.int("payments")
            total.gross += row.int("gross")
            total.fees += row.int("fees")
            total.refunds += row.int("refunds")
            total.disputes += row.int("disputes")
            total.net += row.int("net")
        }
        page.tiles = [
            .init(id: "payments", label: "Payments (\(days) days)", value: Format.count(total.payments)),
            .init(id: "gross_usd", label: "Volume", value: Format.usd(cents: total.gross)),
            .init(id: "fees_usd", label: "Revenue (fees)", value: Format.usd(cents: total.fees)),
            .init(id: "refunds_usd", label: "Refunds", value: Format.usd(cents: total.refunds)),
            .init(id: "disputes_usd", label: "Disputes", value: Format.usd(cents: total.disputes)),
            .init(id: "net_usd", label: "Net", value: Format.usd(cents: total.net)),
            .init(id: "payment_intents", label: "Through PaymentIntents",
                  value: Format.percent(total.payments > 0 ? Double(intentPayments) / Double(total.payments) : nil)),
            .init(id: "three_d_secure", label: "Authenticated (3-D Secure)",
                  value: Format.percent(total.payments > 0 ? Double(authenticatedPayments) / Double(total.payments) : nil)),
        ]
        let index = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($0.element, $0.offset) })
        let currencyNames = Array(Set(daily.map { $0.string("currency") })).sorted()
        var volume = currencyNames.map { SVGChart.Series(name: $0.uppercased(), values: Array(repeating: nil, count: keys.count)) }
        var revenue = ["Fees", "Refunds", "Disputes"].map { SVGChart.Series(name: $0, values: Array(repeating: nil, count: keys.count)) }
        for row in daily {
            guard let position = index[row.int("date_key")] else { continue }
            if let series = currencyNames.firstIndex(of: row.string("currency")) {
                volume[series].values[position] = (volume[series].values[position] ?? 0) + Double(row.int("gross")) / 100
            }
            // A day without aggregate rows (no ETL run for it yet) stays a gap in the line, not a fall to zero.
            for (series, column) in ["fees", "refunds", "disputes"].enumerated() {
                revenue[series].values[position] = (revenue[series].values[position] ?? 0) + Double(row.int(column)) / 100
            }
        }
        let labels = keys.map(Format.shortDay(key:))
        page.charts = [
            .init(id: "volume", heading: "Payment volume per day (USD)", caption: "Succeeded payments, stacked by currency.",
                  chart: SVGChart(title: "Payment volume per day in US dollars, by currency",
                                  summary: "Daily gross volume of succeeded payments over \(days) days, one bar per day.",
                                  kind: .bars, labels: labels, series: volume, format: { "$" + SVGChart.compact($0) })),
            .init(id: "revenue", heading: "Revenue, refunds and disputes per day (USD)",
                  caption: "Fees earned, and money returned to cardholders.",
                  chart: SVGChart(title: "Fees, refunds and disputes per day in US dollars",
                                  summary: "Three lines over \(days) days: fees, refunds and disputed amounts.",
                                  kind: .lines, labels: labels, series: revenue, format: { "$" + SVGChart.compact($0) })),
        ]
        page.tables = [
            .init(id: "merchants", caption: "By merchant (\(Format.day(key: first)) to \(Format.day(key: last)))",
                  columns: [.init(name: "Merchant"), .init(name: "Payments", numeric: true), .init(name: "Volume", numeric: true),
                            .init(name: "Refunds", numeric: true), .init(name: "Disputes", numeric: true),
                            .init(name: "Fees", numeric: true), .init(name: "Net", numeric: true)],
                  rows: merchants.map { row in
                      [DashboardPage.Cell(row.optionalString("email").map { "\($0) (\(row.string("merchant_id")))" } ?? row.string("merchant_id")),
                       .number(Format.count(row.int("payments"))), .number(Format.usd(cents: row.int("gross"))),
                       .number(Format.usd(cents: row.int("refunds"))), .number(Format.usd(cents: row.int("disputes"))),
                       .number(Format.usd(cents: row.int("fees"))), .number(Format.usd(cents: row.int("net")))]
                  }),
            .init(id: "currencies", caption: "By currency",
                  columns: [.init(name: "Currency"), .init(name: "Payments", numeric: true),
                            .init(name: "Volume (currency)", numeric: true), .init(name: "Volume (USD)", numeric: true),
                            .init(name: "Net (USD)", numeric: true)],
                  rows: currencies.map { row in
                      [DashboardPage.Cell(row.string("currency").uppercased()), .number(Format.count(row.int("payments"))),
                       .number(Format.money(row.int("gross_minor"), currency: row.string("currency"))),
                       .number(Format.usd(cents: row.int("gross"))), .number(Format.usd(cents: row.int("net")))]
                  }),
        ]
        return page
    }
}
