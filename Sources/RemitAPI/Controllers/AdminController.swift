import Hummingbird
import RemitCore

/// A JSON report for operators, computed on request.
public typealias AdminReport = @Sendable () async throws -> JSONValue

/// `GET /admin/<name>`: operators' JSON reports (webhook stats, and the later flows'), platform key only.
struct AdminController {
    let reports: [String: AdminReport]

    func register(on router: Router<APIRequestContext>) {
        for (name, report) in reports {
            let path = "/admin/\(name)"
            router.get(RouterPath(path)) { _, context in
                let caller = try context.requireCaller()
                guard caller.isPlatform else { throw APIErrors.platformOnly("GET \(path)") }
                return JSONResponse.ok(try await report())
            }
        }
    }
}
