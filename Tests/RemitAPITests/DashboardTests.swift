import Foundation
import RemitApp
import RemitETL
import RemitSQL
import RemitStore
import RemitStreaming
import RemitTesting
import Testing

/// The dashboards through the real router, on both engines.
struct DashboardTests {
    static let pages = ["/dashboard", "/dashboard/api", "/dashboard/fraud", "/dashboard/webhooks", "/dashboard/etl"]

    @Test(arguments: TestEngine.available)
    func pagesAskForThePlatformKeyAndDrawEvenWithoutData(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey)
            let anonymous = try await client.get("/dashboard", key: nil)
            #expect(anonymous.status == 303 && anonymous.header("Location") == "/dashboard/login?next=/dashboard")
            let form = try await client.get("/dashboard/login", key: nil)
            #expect(form.status == 200 && form.body.contains("name=\"key\"") && form.body.contains("method=\"post\""))
            #expect(try await client.post("/dashboard/login", [("key", merchant.key)], key: nil).status == 401,
                    "a merchant's key is not the platform's")
            #expect(try await client.get("/dashboard", key: merchant.key).status == 401)

            let login = try await client.post("/dashboard/login", [("key", app.adminKey), ("next", "/dashboard/etl")], key: nil)
            #expect(login.status == 303 && login.header("Location") == "/dashboard/etl")
            let cookie = try #require(login.header("Set-Cookie"))
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("Secure"))
            #expect(!cookie.contains(app.adminKey), "the cookie holds no key")
            let session = String(cookie.split(separator: ";")[0])
            let proxied = try await client.post("/dashboard/login", [("key", app.adminKey)], key: nil,
                                                headers: ["X-Forwarded-Proto": "https"])
            #expect(proxied.header("Set-Cookie")?.contains("; Secure") == true, "Secure when served over TLS")
            let offsite = try await client.post("/dashboard/login", [("key", app.adminKey), ("next", "https://evil.example")],
                                                key: nil)
            #expect(offsite.header("Location") == "/dashboard", "no open redirect")

            for path in Self.pages {
                let page = try await client.get(path, key: nil, headers: ["Cookie": session])
                #expect(page.status == 200, "\(path): \(page.body.prefix(300))")
                #expect(page.header("Content-Type") == "text/html; charset=utf-8")
                #expect(page.header("Content-Security-Policy")?.contains("default-src 'none'") == true)
                #expect(page.body.contains("http-equiv=\"refresh\""), "\(path) refreshes itself")
                #expect(page.body.contains("id=\"freshness\""), "\(path) says when its data was refreshed")
                #expect(page.body.contains("<svg") && page.body.contains("no data yet"), "\(path) draws empty charts")
                #expect(page.body.contains("aria-current=\"page\""))
                #expect(page.header("Server-Timing")?.hasPrefix("render;dur=") == true)
            }
            #expect(try await client.get("/dashboard/api", key: app.adminKey).status == 200, "scripts send the key as Bearer")
            let forged = try await client.get("/dashboard", key: nil, headers: ["Cookie": "remit_dashboard=9999999999.0123456789abcdef.00"])
            #expect(forged.status == 303)
            let out = try await client.post("/dashboard/logout", key: nil, headers: ["Cookie": session])
            #expect(out.status == 303 && out.header("Set-Cookie")?.contains("Max-Age=0") == true)
            // The dashboards' own requests are not API traffic.
            let feed = ChangeFeed(database: app.runtime.store.database)
            try await Task.sleep(for: .milliseconds(100))
            let logged = try await feed.apiLogs(after: .start, through: Int64.max, limit: 1_000).map(\.entry.endpoint)
            #expect(!logged.contains { $0.hasPrefix("/dashboard") })
        }
    }

    @Test(arguments: TestEngine.available)
    func theOverviewShowsTheWarehouseFiguresEscaped(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        try await app.test { client in
            let merchant = try await client.createMerchant(adminKey: app.adminKey, [("email", "<b>shop</b>@example.com")])
            for amount in ["1000", "2500"] {
                _ = try await client.post("/v1/charges", [("amount", amount), ("currency", "usd"), ("source", "tok_visa")],
                                          key: merchant.key)
            }
            _ = try await client.post("/v1/payment_intents", [
                ("amount", "12345"), ("currency", "usd"), ("payment_method", "pm_card_visa"), ("confirm", "true"),
                ("payment_method_types[]", "card"),
            ], key: merchant.key)
            try await EtlPipelineTests.settle(app.runtime.store.database)
            _ = try await app.runtime.etlRunner(logger: makeTestLogger()).run(date: EtlPipelineTests.today(), runID: "dash")
            let page = try await client.get("/dashboard", key: app.adminKey)
            #expect(page.body.contains("data-metric=\"gross_usd\">$158.45<"), "1000 + 2500 + 12345 cents")
            #expect(page.body.contains("data-metric=\"payments\">3<"))
            #expect(page.body.contains("data-metric=\"payment_intents\">33.3 %<"), "one payment of three through an intent")
            #expect(page.body.contains("data-metric=\"three_d_secure\">0.00 %<"))
            #expect(page.body.contains("&lt;b&gt;shop&lt;/b&gt;@example.com"), "merchant text is escaped")
            #expect(!page.body.contains("<b>shop</b>"))
            let etl = try await client.get("/dashboard/etl", key: app.adminKey)
            #expect(etl.body.contains("status-published") && etl.body.contains("reconciliation") == false)
            #expect(etl.body.contains("row_count"), "the latest run's checks are listed")
        }
    }

    /// Request logs imported and windowed by the real processor: the day's totals, the busiest endpoints' lines, the
    /// last hour's table.
    @Test(arguments: TestEngine.available)
    func theAPIPageSumsTheDayAndTablesTheLastHour(engine: TestEngine) async throws {
        let app = try await RemitTestApp.make(engine)
        let base = StreamProcessorTests.base
        var history: [APILogEntry] = []
        // Three hours of traffic on six endpoints; /v1/tokens only in the first hour, so not in the last hour's table.
        let endpoints = ["/v1/charges", "/v1/refunds", "/v1/customers", "/v1/balance", "/v1/events", "/v1/tokens"]
        for index in 0..<1_800 {
            let at = base + Int64(index) * 6_000
            let endpoint = index < 600 && index % 3 == 0 ? endpoints[5] : endpoints[index % 5]
            history.append(StreamProcessorTests.document(index, merchant: index % 4 == 0 ? "acct_b" : "acct_a",
                                                           endpoint: endpoint, status: index % 10 == 0 ? 503 : 200,
                                                           latency: Double(10 + index % 90), at: at))
        }
        let documents = history
        try await app.test { client in
            _ = try await app.runtime.ledger.importAPILogs(documents, name: "gateway", file: "gateway.jsonl") { _ in }
            _ = try await StreamProcessorTests.processor(app).run(untilCaughtUp: true)
            let (requests, pairs) = try await app.runtime.warehouse.database.read { connection in
                let end = try await connection.queryFirst("SELECT MAX(window_end_ms) AS t FROM fact_api_performance_realtime")!.int("t")
                return (try await connection.queryFirst("""
                            SELECT SUM(request_count) AS n FROM fact_api_performance_realtime WHERE window_end_ms > \(end - 86_400_000)
                            """)!.int("n"),
                        try await connection.query("""
                            SELECT DISTINCT merchant_id, endpoint FROM fact_api_performance_realtime
                            WHERE window_end_ms > \(end - 3_600_000)
                            """).map { $0.string("merchant_id") + " " + $0.string("endpoint") })
            }
            #expect(requests == 1_800)
            let page = try await client.get("/dashboard/api", key: app.adminKey)
            #expect(page.status == 200)
            #expect(page.body.contains("data-metric=\"requests\">1,800<"))
            #expect(page.body.contains("data-metric=\"errors\">180<"))
            let table = try #require(page.body.components(separatedBy: "<table id=\"endpoints\">").last?
                .components(separatedBy: "</table>").first)
            #expect(table.components(separatedBy: "<tr>").count - 2 == pairs.count, "one row per pair of the last hour")
            #expect(!table.contains("/v1/tokens") && page.body.contains("/v1/tokens") == false,
                    "the first hour's endpoint is neither in the table nor among the five busiest lines")
            #expect(page.body.contains("data-series=\"5\""), "the five busiest endpoints' p99 lines")
        }
    }
}
