import Hummingbird
import RemitCore
import RemitStore

/// `/v1/balance` and `/v1/balance_transactions`.
struct BalanceController {
    let endpoint: Endpoint
    let ledger: Ledger

    func register(on router: Router<APIRequestContext>) {
        router.get("/v1/balance", use: balance)
        router.get("/v1/balance_transactions", use: list)
        router.get("/v1/balance/history", use: list)
        router.get("/v1/balance_transactions/:id", use: retrieve)
    }

    @Sendable func balance(_ request: Request, context: APIRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let account = try await ledger.accountRecord(caller.accountID)
        let rows = try await endpoint.read(context) { ledger in try await ledger.balance() }
        func entry(_ amount: Int64, _ currency: String) -> JSONValue {
            .object([("amount", .int(amount)), ("currency", .string(currency)),
                     ("source_types", .object([("card", .int(amount))]))])
        }
        var available = rows.map { entry($0.available, $0.currency) }
        var pending = rows.map { entry($0.pending, $0.currency) }
        if rows.isEmpty {
            let currency = account?.defaultCurrency.code ?? "usd"
            available = [entry(0, currency)]
            pending = [entry(0, currency)]
        }
        return JSONResponse.ok(.object([
            ("object", .string("balance")), ("available", .array(available)), ("livemode", .bool(caller.livemode)),
            ("pending", .array(pending)),
        ]))
    }

    @Sendable func retrieve(_ request: Request, context: APIRequestContext) async throws -> Response {
        try await endpoint.retrieve(request, context, object: "balance transaction", expandable: ["source"],
                                    find: { ledger, id in try await ledger.balanceTransaction(id) }) { entry, expand, ledger in
            try await Self.render(entry, expand, ledger)
        }
    }

    @Sendable func list(_ request: Request, context: APIRequestContext) async throws -> Response {
        return try await endpoint.list(request, context, .balanceTransactions, url: "/v1/balance_transactions", expandable: ["source"],
            filters: { reader, query in
            if let type = try reader.string("type", maxLength: 50) { query.filter("type", equals: type) }
            if let source = try reader.string("source", maxLength: 255) { query.filter("source_id", equals: source) }
            if let currency = try reader.string("currency", maxLength: 3) { query.filter("currency", equals: currency.lowercased()) }
            _ = try reader.string("payout", maxLength: 255)
        }) { row, expand, ledger in
            try await Self.render(BalanceTransaction(row: row), expand, ledger)
        }
    }

    static func render(_ entry: BalanceTransaction, _ expand: Expansions, _ ledger: LedgerReader) async throws -> JSONValue {
        guard expand.contains("source") else { return entry.json(now: ledger.now) }
        var source: JSONValue?
        if entry.sourceID.hasPrefix("ch_") {
            source = try await ledger.charge(entry.sourceID)?.json()
        } else if entry.sourceID.hasPrefix("re_") {
            source = try await ledger.refund(entry.sourceID)?.json()
        }
        return entry.json(now: ledger.now, source: source)
    }
}
