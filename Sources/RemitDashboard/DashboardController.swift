import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import RemitAPI
import RemitCore
import RemitSQL
import RemitStore
import RemitStreaming

/// What the pages read: the store (live figures), the warehouse (the nightly and realtime facts), the clock.
public struct DashboardSources: Sendable {
    public let store: any SQLDatabase
    public let warehouse: any SQLDatabase
    public let clock: WallClock
    public let streamStats: StreamStats?

    public init(store: any SQLDatabase, warehouse: any SQLDatabase, clock: WallClock, streamStats: StreamStats?) {
        self.store = store
        self.warehouse = warehouse
        self.clock = clock
        self.streamStats = streamStats
    }

    /// Today's date key (`yyyymmdd`, UTC) by the clock.
    var todayKey: Int64 {
        let days = clock.unixSeconds().floorDiv(86_400)
        let (year, month, day) = Timestamp.civil(fromDays: days)
        return year * 10_000 + month * 100 + day
    }
}

/// The dashboards (the seed's Power BI), served by `remit serve` behind the platform key: `/dashboard` (overview),
/// `/dashboard/api`, `/dashboard/fraud`, `/dashboard/webhooks`, `/dashboard/etl`, and `/dashboard/login`. Pages are
/// drawn on the server (HTML and SVG, no script), state when their data was refreshed, and refresh themselves.
public struct DashboardController: Sendable {
    struct Page: Sendable {
        var path: String
        var name: String
        var build: @Sendable (DashboardSources) async throws -> DashboardPage
    }

    static let pages: [Page] = [
        Page(path: "/dashboard", name: "Overview", build: OverviewPage.build),
        Page(path: "/dashboard/api", name: "API performance", build: APIPage.build),
        Page(path: "/dashboard/fraud", name: "Fraud", build: FraudPage.build),
        Page(path: "/dashboard/webhooks", name: "Webhooks", build: WebhooksPage.build),
        Page(path: "/dashboard/etl", name: "Nightly ETL", build: EtlPage.build),
    ]

    let sources: DashboardSources
    let session: DashboardSession
    let library: MustacheLibrary
    /// Seconds between a page's own refreshes.
    let refreshSeconds: Int

    public init(ledger: Ledger, sources: DashboardSources, refreshSeconds: Int = 30) {
        self.sources = sources
        session = DashboardSession(ledger: ledger, clock: sources.clock)
        self.refreshSeconds = refreshSeconds
        var library = MustacheLibrary()
        // The templates are Remit's own constants: a failure to parse them is a programmer error.
        try! library.register(LayoutTemplate.text, named: "layout")
        try! library.register(PageTemplate.text, named: "page")
        try! library.register(LoginTemplate.text, named: "login")
        self.library = library
    }

    public func register(on router: Router<APIRequestContext>) {
        router.get("/dashboard/login") { request, _ in
            try await self.loginForm(request, message: nil, status: .ok)
        }
        router.post("/dashboard/login") { request, _ in try await self.login(request) }
        router.post("/dashboard/logout") { request, _ in
            var response = Self.redirect(to: "/dashboard/login")
            response.headers[.setCookie] = "\(DashboardSession.cookieName)=; Path=/dashboard; Max-Age=0; HttpOnly; SameSite=Strict"
                + (Self.isSecure(request) ? "; Secure" : "")
            return response
        }
        for page in Self.pages {
            router.get(RouterPath(page.path)) { request, _ in try await self.serve(page, request) }
        }
    }

    /// A page for a signed-in operator; others are sent to the login form (or get 401 for a wrong Bearer key).
    func serve(_ page: Page, _ request: Request) async throws -> Response {
        switch try await authorization(request) {
        case .allowed: break
        case .invalidKey: return Self.html(status: .unauthorized, "<p>That key is not the platform key.</p>")
        case .none: return Self.redirect(to: "/dashboard/login?next=" + page.path)
        }
        let started = ContinuousClock.now
        let body: String
        let built: ContinuousClock.Instant
        do {
            let context = try await page.build(sources).context
            built = ContinuousClock.now
            body = library.render(context, withTemplate: "page") ?? ""
        } catch {
            return Self.html(status: .internalServerError,
                             "<p class=\"error\">This page could not be drawn: \(HTML.escape("\(error)"))</p>")
        }
        let html = library.render([
            "title": page.name, "body": body, "refresh": refreshSeconds, "navigation": true,
            "pages": Self.pages.map { ["path": $0.path, "name": $0.name, "current": $0.path == page.path] },
        ] as [String: Any], withTemplate: "layout") ?? ""
        var response = Self.html(status: .ok, html, wrapped: false)
        let finished = ContinuousClock.now
        func milliseconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        }
        // The whole render, then its two parts: the data (queries, figures, charts) and the templates.
        response.headers[HTTPField.Name("Server-Timing")!] = String(
            format: "render;dur=%.2f, data;dur=%.2f, template;dur=%.2f", milliseconds(finished - started),
            milliseconds(built - started), milliseconds(finished - built))
        return response
    }

    enum Authorization { case allowed, invalidKey, none }

    /// A valid session cookie, or `Authorization: Bearer <platform key>`.
    func authorization(_ request: Request) async throws -> Authorization {
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            return try await session.isPlatformKey(String(header.dropFirst(7))) ? .allowed : .invalidKey
        }
        if let token = Self.cookie(DashboardSession.cookieName, in: request), try await session.isValid(token) {
            return .allowed
        }
        return .none
    }

    func loginForm(_ request: Request, message: String?, status: HTTPResponse.Status) async throws -> Response {
        if status == .ok, try await authorization(request) == .allowed { return Self.redirect(to: "/dashboard") }
        let next = Self.safeNext(request.uri.queryParameters.get("next"))
        let body = library.render(["message": message as Any, "next": next], withTemplate: "login") ?? ""
        return Self.html(status: status, library.render(["title": "Sign in", "body": body] as [String: Any],
                                                         withTemplate: "layout") ?? "", wrapped: false)
    }

    func login(_ request: Request) async throws -> Response {
        let form = Self.form(String(buffer: try await request.body.collect(upTo: 16_384)))
        guard let key = form["key"], !key.isEmpty, try await session.isPlatformKey(key) else {
            return try await loginForm(request, message: "That is not the platform key.", status: .unauthorized)
        }
        var response = Self.redirect(to: Self.safeNext(form["next"]))
        response.headers[.setCookie] = "\(DashboardSession.cookieName)=\(session.token(forKey: key)); Path=/dashboard; "
            + "Max-Age=\(DashboardSession.lifetimeSeconds); HttpOnly; SameSite=Strict" + (Self.isSecure(request) ? "; Secure" : "")
        return response
    }

    /// Only a dashboard path (no open redirect).
    static func safeNext(_ next: String?) -> String {
        guard let next, pages.contains(where: { $0.path == next }) else { return "/dashboard" }
        return next
    }

    /// Behind a TLS-terminating proxy (`X-Forwarded-Proto: https`), the cookie is `Secure`.
    static func isSecure(_ request: Request) -> Bool {
        request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }

    static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2, parts[0] == name { return parts[1] }
            }
        }
        return nil
    }

    /// `application/x-www-form-urlencoded` fields.
    static func form(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let decode = { (text: Substring) in text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if let name = parts.first { fields[decode(name)] = parts.count == 2 ? decode(parts[1]) : "" }
        }
        return fields
    }

    static func redirect(to location: String) -> Response {
        var response = Response(status: .seeOther)
        response.headers[.location] = location
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// An HTML response with the dashboards' headers: no script may run, nothing may be fetched from elsewhere.
    static func html(status: HTTPResponse.Status, _ text: String, wrapped: Bool = true) -> Response {
        let page = wrapped ? "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Remit</title></head><body>"
            + text + "<p><a href=\"/dashboard/login\">Sign in</a></p></body></html>" : text
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return Response(status: status, headers: headers, body: .init(byteBuffer: .init(string: page)))
    }
}
