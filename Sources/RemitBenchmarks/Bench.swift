import ArgumentParser
import Foundation
import RemitCommandSupport
import RemitBench
import RemitCore

package struct Bench: AsyncParsableCommand {
    package init() {}

    package static let configuration = CommandConfiguration(
        abstract: "Benchmarks, run from a separate process against a live server.",
        subcommands: [Charges.self, BenchFraud.self, BenchWebhooks.self, BenchParquet.self, BenchETL.self, BenchStream.self,
                      BenchDashboard.self, BenchForm.self, BenchLedgerTorture.self])

    struct Charges: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Drive POST /v1/charges (or, with --payment-intents, create-and-confirm POST /v1/payment_intents) over keep-alive HTTP: closed loop (throughput) or open loop (--rate).")

        @Option(help: "Base URL of the server under test.")
        var url = "http://127.0.0.1:4242"

        @Option(help: "A merchant's secret key. Without it, --admin-key creates a merchant first.")
        var key: String?

        @Option(name: .customLong("admin-key"), help: "The platform key, to create a merchant for the run.")
        var adminKey: String?

        @Option(help: "The payment source sent with each charge (localstripe needs pm_card_visa); with --payment-intents, the payment method (default pm_card_visa).")
        var source: String?

        @Flag(name: .customLong("payment-intents"), help: "Each request creates and confirms a PaymentIntent (payment_method, confirm=true, payment_method_types[]=card) instead of a charge.")
        var paymentIntents = false

        @Option(help: "Keep-alive connections.")
        var connections = 32

        @Option(help: "Measured duration, <n>ms|s|m|h.")
        var duration = DurationArgument(argument: "20s")!

        @Option(help: "Unmeasured warm-up before it, <n>ms|s|m|h.")
        var warmup = DurationArgument(argument: "2s")!

        @Option(help: "Open loop: requests per second on a fixed schedule (latency counted from the schedule).")
        var rate: Int?

        @Option(name: .customLong("server-pid"), help: "Sample this process's resident memory during the run.")
        var serverPID: Int32?

        @Flag(name: .customLong("no-idempotency-keys"), help: "Do not send an Idempotency-Key with each request.")
        var noIdempotencyKeys = false

        @Option(help: "Spread the charges over this many raw card numbers (each request picks one at random) instead of --source: one card is a card-testing burst, whose charges a fraud check must decide one after another.")
        var cards: Int?

        func run() async throws {
            guard let components = URLComponents(string: url), let host = components.host else {
                throw ValidationError("--url must look like http://host:port")
            }
            let port = components.port ?? 80
            var apiKey = key
            if apiKey == nil, let adminKey {
                apiKey = try await OneShot.createMerchant(host: host, port: port, adminKey: adminKey)
            }
            guard let apiKey else { throw ValidationError("give --key or --admin-key") }
            if let cards, !(1...100_000).contains(cards) { throw ValidationError("--cards must be 1…100000") }
            let source = self.source ?? (paymentIntents ? "pm_card_visa" : "tok_visa")
            let body = paymentIntents
                ? "amount=1000&currency=usd&payment_method=\(source)&confirm=true&payment_method_types[]=card"
                : "amount=1000&currency=usd&source=\(source)&description=bench"
            var plan = LoadPlan(
                host: host, port: port, body: body,
                apiKey: apiKey, connections: connections, duration: duration.duration,
                mode: rate.map { .openLoop(requestsPerSecond: $0) } ?? .closedLoop)
            plan.warmup = warmup.duration
            if paymentIntents { plan.path = "/v1/payment_intents" }
            plan.serverPID = serverPID
            plan.idempotencyKeys = !noIdempotencyKeys
            if let cards {
                plan.bodies = (0..<cards).map { index in
                    "amount=1000&currency=usd&description=bench&source[object]=card&source[number]=\(Self.cardNumber(index))"
                        + "&source[exp_month]=12&source[exp_year]=2031"
                }
            }
            let mode = rate.map { "open loop at \($0) req/s" } ?? "closed loop"
            print("bench \(paymentIntents ? "payment intents" : "charges"): \(url), \(mode), \(connections) connections, \(DurationText.format(duration.duration)),",
                  cards.map { "\($0) raw cards" } ?? "source=\(source)")
            let report = try await LoadGenerator(plan: plan).run { print($0) }
            print(report.summary)
        }

        /// The `index`-th of a set of Luhn-valid Visa numbers (424242…, approved by Stripe's test mode), each its own
        /// card fingerprint.
        static func cardNumber(_ index: Int) -> String {
            let body = "424242" + String(format: "%09d", index)
            var sum = 0
            for (offset, character) in body.reversed().enumerated() {
                var digit = Int(String(character))!
                if offset % 2 == 0 {
                    digit *= 2
                    if digit > 9 { digit -= 9 }
                }
                sum += digit
            }
            return body + String((10 - sum % 10) % 10)
        }
    }
}
