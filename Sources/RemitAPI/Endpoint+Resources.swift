import Hummingbird
import RemitCore
import RemitSQL
import RemitStore

/// The two read shapes every resource shares, written once: retrieve one object by the path's id, and list a page.
extension Endpoint {
    /// `GET /v1/<objects>/{id}`: only `expand` in the query (`expandable` nil accepts it and expands nothing); the
    /// object `find` reads in the caller's account, rendered by `render`; a missing one is Stripe's `resource_missing`
    /// naming `object`.
    func retrieve<Object: Sendable>(
        _ request: Request, _ context: APIRequestContext, object: String, expandable: Set<String>? = nil,
        find: @Sendable @escaping (LedgerReader, String) async throws -> Object?,
        render: @Sendable @escaping (Object, Expansions, LedgerReader) async throws -> JSONValue
    ) async throws -> Response {
        let id = try context.parameters.require("id")
        let expand = try expandOnly(request, allowed: expandable)
        return JSONResponse.ok(try await read(context) { ledger in
            guard let found = try await find(ledger, id) else { throw StripeError.noSuch(object, id) }
            return try await render(found, expand, ledger)
        })
    }

    /// `GET /v1/<intents>/{id}`: a retrieve that also takes `client_secret`, which a publishable key must bring and
    /// which is checked when given; a publishable key sees the browser's view (``ClientSecretAccess``).
    func retrieveWithClientSecret<Object: Sendable>(
        _ request: Request, _ context: APIRequestContext, object: String, access: ClientSecretAccess,
        expandable: Set<String>,
        find: @Sendable @escaping (LedgerReader, String) async throws -> (Object, clientSecret: String)?,
        render: @Sendable @escaping (Object, Expansions, LedgerReader) async throws -> JSONValue
    ) async throws -> Response {
        let id = try context.parameters.require("id")
        let caller = try context.requireCaller()
        var reader = FormReader(try queryForm(request))
        let clientSecret = try reader.string("client_secret", maxLength: APILimits.clientSecretLengthMax)
        let paths = try reader.array("expand")
        try reader.finish()
        try access.admit(caller, clientSecret: clientSecret, expand: paths)
        let expand = try Expansions(paths, allowed: expandable)
        return JSONResponse.ok(try await read(context) { ledger in
            guard let (found, secret) = try await find(ledger, id) else { throw StripeError.noSuch(object, id) }
            try access.check(clientSecret, against: secret)
            return access.view(try await render(found, expand, ledger), for: caller)
        })
    }

    /// A write on an intent the browser may reach (confirm, cancel): the caller is admitted (``ClientSecretAccess``),
    /// and a client secret given is checked against the intent's before the write. Returns the expansions, and the
    /// intent read for the check (nil without a client secret).
    func admitToIntent<Object: Sendable>(
        _ context: APIRequestContext, id: String, object: String, access: ClientSecretAccess, clientSecret: String?,
        expand paths: [String]?, expandable: Set<String>,
        find: @Sendable @escaping (LedgerReader, String) async throws -> (Object, clientSecret: String)?
    ) async throws -> (Expansions, Object?) {
        try access.admit(try context.requireCaller(), clientSecret: clientSecret, expand: paths)
        let expand = try Expansions(paths, allowed: expandable)
        guard clientSecret != nil else { return (expand, nil) }
        guard let (found, secret) = try await read(context, { ledger in try await find(ledger, id) }) else {
            throw StripeError.noSuch(object, id)
        }
        try access.check(clientSecret, against: secret)
        return (expand, found)
    }

    /// `GET /v1/<objects>`: Stripe's list parameters, the resource's own filters (`filters` reads them into the query),
    /// `expand` of `data.*` fields (`expandable` nil accepts it and expands nothing); every other parameter is a 400.
    /// One page, each row rendered by `render`.
    func list(
        _ request: Request, _ context: APIRequestContext, _ table: ListQuery.Table, url: String,
        expandable: Set<String>? = nil,
        filters: (inout FormReader, inout ListQuery) throws -> Void = { _, _ in },
        render: @Sendable @escaping (SQLRow, Expansions, LedgerReader) async throws -> JSONValue
    ) async throws -> Response {
        var reader = FormReader(try queryForm(request))
        var query = ListQuery(table: table)
        try ListParameters.read(&reader, into: &query)
        try filters(&reader, &query)
        let paths = try reader.array("expand")
        let expand = try expandable.map { try Expansions(paths, allowed: $0, list: true) } ?? .none
        try reader.finish()
        let page = query
        return JSONResponse.ok(try await read(context) { ledger in
            let found = try await ledger.list(page)
            var data: [JSONValue] = []
            data.reserveCapacity(found.rows.count)
            for row in found.rows { data.append(try await render(row, expand, ledger)) }
            return ListParameters.listObject(url: url, data: data, hasMore: found.hasMore)
        })
    }
}
