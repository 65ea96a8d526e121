import Foundation
import RemitCommandSupport
import Logging
import RemitAPI
import RemitApp
import RemitBench
import RemitCore
import RemitETL
import RemitFraud
import RemitSQL
import RemitStore
import RemitStreaming

/// The demo's month: day by day, the traffic generator's charges through the HTTP API at their simulated times, with
/// refunds, disputes, declines and reads between them; then that day's nightly ETL run and the stream processor over
/// its request log, as production would run them.
struct DemoHistory {
    let runtime: RemitRuntime
    let clock: SettableClock
    let host: String
    let port: Int
    let adminKey: String
    let receiverPort: Int
    let customers: Int
    let logger: Logger

    struct Merchant {
        var id: String
        var key: String
        var name: String
        var currency: String
    }

    var merchants: [Merchant] = []
    var customerIDs: [String: String] = [:]
    var counts = (charges: 0, refunds: 0, disputes: 0, declines: 0, intents: 0, challenges: 0)

    init(runtime: RemitRuntime, clock: SettableClock, host: String, port: Int, adminKey: String, receiverPort: Int,
         customers: Int, logger: Logger) {
        self.runtime = runtime
        self.clock = clock
        self.host = host
        self.port = port
        self.adminKey = adminKey
        self.receiverPort = receiverPort
        self.customers = customers
        self.logger = logger
    }

    // The day's work lives in its own functions: Swift 6.3's release build crashed splitting one long coroutine
    // (LLVM's CoroSplit, around a swifterror value) when all of it was in `run`.
    mutating func run(firstDay: Int64, days: Int) async throws {
        try await Self.loadShippedRates(runtime)
        try await createMerchants()
        var settings = TrafficGenerator.Settings()
        settings.customers = customers
        settings.merchants = 2
        settings.days = days
        settings.incidentRate = 0.2
        let charges = TrafficGenerator(settings: settings).generate()
        print("demo: \(charges.count) charges from \(customers) customers over \(days) simulated days, through the API")
        let started = ContinuousClock.now
        for day in 0..<days {
            try await play(day: day, of: days, firstDay: firstDay, charges: charges.filter { $0.time / 86_400 == Int64(day) },
                           started: started)
        }
        let deliveries = try await webhookDeliveries()
        print("demo: \(counts.charges) payments (\(counts.intents) through PaymentIntents, \(counts.challenges) with a "
              + "3-D Secure challenge; \(counts.declines) declined or blocked), \(counts.refunds) refunds, "
              + "\(counts.disputes) disputes; \(deliveries) webhook deliveries so far")
    }

    @inline(never)
    static func loadShippedRates(_ runtime: RemitRuntime) async throws {
        let rates = try ShippedRates.rates().map { (day: $0.date, currency: $0.currency, perEuro: $0.perEuro.description) }
        try await FXRateStore(database: runtime.store.database).load(rates)
        print("demo: ECB rates loaded (\(ShippedRates.firstDay) to \(ShippedRates.lastDay), shipped with Remit)")
    }

    /// One simulated day: its charges through the API, then, the day over, its request log written, its nightly
    /// run and its windows closed.
    @inline(never)
    mutating func play(day: Int, of days: Int, firstDay: Int64, charges todays: [SimulatedCharge],
                       started: ContinuousClock.Instant) async throws {
        let dayStart = (firstDay + Int64(day)) * 86_400
        for (index, charge) in todays.enumerated() {
            clock.set(Date(timeIntervalSince1970: Double(dayStart + charge.time % 86_400)))
            try await send(charge, index: index)
        }
        let date = Timestamp.isoDate(days: firstDay + Int64(day))
        if day == days - 1 { try await errorSpike(onDay: firstDay + Int64(day)) }
        clock.set(Date(timeIntervalSince1970: Double(dayStart + 86_399)))
        try await flushRequestLog()
        let status = try await nightlyRun(date: date)
        let windows = try await runtime.streamProcessor(logger: logger).run(untilCaughtUp: true).windows
        let seconds = Double((ContinuousClock.now - started).components.seconds)
        print(String(format: "demo: day %2d/%d %@  %4d charges · ETL %@ · %d windows · %3.0f s", day + 1, days, date,
                     todays.count, status, windows, seconds))
    }

    @inline(never)
    func nightlyRun(date: String) async throws -> String {
        let runner = runtime.etlRunner(logger: logger)
        let through = try await runner.pipeline.lastLSN(ofDay: date)
        return try await runner.run(date: date, through: through, runID: "demo-\(date)").status
    }

    /// Two merchants: a coffee roaster in the US (dollars) and a bakery in France (euros), and a webhook endpoint.
    mutating func createMerchants() async throws {
        for (name, country, currency) in [("Acme Coffee Roasters", "US", "usd"), ("Boulangerie Léa", "FR", "eur")] {
            let email = String(name.lowercased().filter { $0.isASCII && $0.isLetter }.prefix(12)) + "@example.com"
            let form = "type=custom&country=\(country)&email=\(email.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
                + "&business_profile[name]=" + (name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            let account = try await post("/v1/accounts", form, key: adminKey)
            merchants.append(Merchant(id: account["id"] as? String ?? "", key: account["secret_key"] as? String ?? "",
                                      name: name, currency: currency))
        }
        let url = "http://127.0.0.1:\(receiverPort)/webhooks"
        _ = try await post("/v1/webhook_endpoints", "url=\(url.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
                           + "&enabled_events[]=*&description=demo%20receiver", key: merchants[0].key)
        print("demo: merchants \(merchants.map { "\($0.name) (\($0.id))" }.joined(separator: ", ")); webhooks to \(url)")
    }

    /// One simulated charge, and now and then what follows a charge in real life.
    mutating func send(_ charge: SimulatedCharge, index: Int) async throws {
        let merchant = merchants[charge.merchant % merchants.count]
        if charge.key.hasPrefix("customer:"), customerIDs[charge.key] == nil {
            customerIDs[charge.key] = try await LiveSimulation.createCustomer(charge, host: host, port: port, key: merchant.key)
        }
        counts.charges += 1
        // Three payments in four go through PaymentIntents, as a shop built today pays; the rest through the Charges
        // API, as older integrations still do.
        let paid: (status: Int, chargeID: String?, amount: Int)
        if index % 4 == 0 {
            var form = LiveSimulation.chargeForm(charge, currency: merchant.currency, customer: customerIDs[charge.key])
            // Stripe's test cards for the outcomes the generator does not make: declines and disputes.
            if index % 37 == 5 { form = "amount=\(1_000 + index)&currency=\(merchant.currency)&source=tok_chargeDeclined" }
            if index % 61 == 11 { form = "amount=\(2_500 + index)&currency=\(merchant.currency)&source=tok_createDispute" }
            let (status, body) = try await OneShot.post(host: host, port: port, path: "/v1/charges", form: form,
                                                        basicUser: merchant.key)
            if form.contains("tok_createDispute") && status == 200 { counts.disputes += 1 }
            let object = Self.json(body)
            paid = (status, object?["id"] as? String, object?["amount"] as? Int ?? 100)
        } else {
            paid = try await payThroughIntent(charge, index: index, merchant: merchant)
        }
        if paid.status == 402 { counts.declines += 1 }
        guard paid.status == 200, let id = paid.chargeID else { return }
        if index % 17 == 3 {
            _ = try await post("/v1/refunds", "charge=\(id)&amount=\(paid.amount / 2)", key: merchant.key)
            counts.refunds += 1
        }
        if index % 5 == 0 { _ = try await OneShot.get(host: host, port: port, path: "/v1/charges/\(id)", basicUser: merchant.key) }
        if index % 23 == 0 { _ = try await OneShot.get(host: host, port: port, path: "/v1/balance", basicUser: merchant.key) }
    }

    /// One payment as a checkout page makes it: the card becomes a PaymentMethod (Stripe.js's step), then one
    /// create-and-confirm. Now and then the card asks for 3-D Secure and the customer answers on the hosted page:
    /// completes it, or one time in four fails it (the intent then waits for another card). Some cards decline.
    mutating func payThroughIntent(_ charge: SimulatedCharge, index: Int, merchant: Merchant) async throws
        -> (status: Int, chargeID: String?, amount: Int)
    {
        counts.intents += 1
        let method: String
        if index % 37 == 6 {
            method = "pm_card_chargeDeclined"
        } else if index % 13 == 2 {
            method = "pm_card_authenticationRequired"
        } else if index % 67 == 9 {
            method = "pm_card_createDispute"
        } else {
            method = try await post("/v1/payment_methods", LiveSimulation.paymentMethodForm(charge), key: merchant.key)["id"]
                as? String ?? "pm_card_visa"
        }
        let returnURL = "http://\(host):\(port)/demo/checkout/complete"
        let form = LiveSimulation.paymentIntentForm(charge, currency: merchant.currency, customer: customerIDs[charge.key],
                                                    paymentMethod: method, returnURL: returnURL)
        var (status, body) = try await OneShot.post(host: host, port: port, path: "/v1/payment_intents", form: form,
                                                    basicUser: merchant.key)
        var intent = Self.json(body)
        if status == 200, intent?["status"] as? String == "requires_action",
           let next = intent?["next_action"] as? [String: Any],
           let url = (next["redirect_to_url"] as? [String: Any])?["url"] as? String,
           let path = URLComponents(string: url)?.path, let id = intent?["id"] as? String
        {
            counts.challenges += 1
            let answer = index % 4 == 2 ? "fail" : "complete"
            _ = try await OneShot.post(host: host, port: port, path: path, form: "result=\(answer)", basicUser: "")
            (status, body) = try await OneShot.get(host: host, port: port, path: "/v1/payment_intents/\(id)",
                                                   basicUser: merchant.key)
            intent = Self.json(body)
        }
        if method == "pm_card_createDispute", intent?["status"] as? String == "succeeded" { counts.disputes += 1 }
        guard intent?["status"] as? String == "succeeded" else { return (status == 200 ? 402 : status, nil, 0) }
        return (status, intent?["latest_charge"] as? String, intent?["amount"] as? Int ?? 100)
    }

    /// The bakery's gateway logs for an afternoon: a quarter of an hour in which its payment API fails, imported as
    /// `remit logs import` does (Remit's own API never answers 5xx).
    func errorSpike(onDay day: Int64) async throws {
        let merchant = merchants[1]
        var lines: [String] = []
        let start = day * 86_400_000 + 14 * 3_600_000
        for second in stride(from: 0, to: 40 * 60, by: 2) {
            let failing = (10 * 60..<25 * 60).contains(second) && second % 10 < 3
            let at = start + Int64(second) * 1000 + 137
            lines.append(#"{"log_id":"gw_\#(second)","merchant_id":"\#(merchant.id)","endpoint":"/v1/charges","status_code":\#(failing ? 502 : 200),"latency_ms":\#(failing ? 1850 : 40 + second % 90),"timestamp":"\#(Timestamp.iso8601(unixMilliseconds: at))","method":"POST"}"#)
        }
        let path = (runtime.configuration.dataDirectory as NSString).appendingPathComponent("gateway-logs.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let (documents, invalid) = APILogFile.parse(try String(contentsOfFile: path, encoding: .utf8))
        precondition(invalid.isEmpty, "the demo writes valid logs")
        let record = try await runtime.ledger.importAPILogs(documents, name: "bakery-gateway", file: path)
        print("demo: imported \(record.documents) gateway logs of \(merchant.name) with a 5xx spike (\(path))")
    }

    /// Waits until the API's request log has been written (the writer flushes every 50 ms here).
    func flushRequestLog() async throws {
        while runtime.requestLog.count > 0 { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(150))
    }

    func webhookDeliveries() async throws -> Int64 {
        try await runtime.store.database.read { connection in
            try await connection.queryFirst("SELECT count(*) AS n FROM webhook_deliveries")?.int("n") ?? 0
        }
    }

    func post(_ path: String, _ form: String, key: String) async throws -> [String: Any] {
        let (status, body) = try await OneShot.post(host: host, port: port, path: path, form: form, basicUser: key)
        guard status == 200, let object = Self.json(body) else {
            throw DemoFailure(description: "POST \(path) answered \(status): \(body.prefix(300))")
        }
        return object
    }

    static func json(_ body: String) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
    }

    struct DemoFailure: Error, CustomStringConvertible {
        let description: String
    }
}
