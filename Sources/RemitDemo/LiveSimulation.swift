import ArgumentParser
import Foundation
import RemitCommandSupport
import RemitBench
import RemitFraud

/// `remit simulate` against a live server: the generator's charges through the public API.
struct LiveSimulation {
    let url: String
    let key: String?
    let adminKey: String?
    let speedup: Double
    let limit: Int?
    let settings: TrafficGenerator.Settings

    func run() async throws {
        guard let components = URLComponents(string: url), let host = components.host else {
            throw ValidationError("--url must look like http://host:port")
        }
        let port = components.port ?? 80
        var merchantKey = key
        if merchantKey == nil, let adminKey {
            merchantKey = try await OneShot.createMerchant(host: host, port: port, adminKey: adminKey)
        }
        guard let merchantKey else { throw ValidationError("give --key or --admin-key") }
        let charges = TrafficGenerator(settings: settings).generate()
        let count = min(charges.count, limit ?? charges.count)
        print("simulate: \(count) charges from \(settings.customers) customers over \(settings.days) simulated days, "
            + "×\(Int(speedup)) → about \(Int(Double(charges.last?.time ?? 0) / speedup)) s")
        var customerIDs: [String: String] = [:]
        var outcomes: [String: [String: Int]] = [:]
        let start = ContinuousClock.now
        for (index, charge) in charges.prefix(count).enumerated() {
            let due = start + .seconds(Double(charge.time) / speedup)
            if due > ContinuousClock.now { try await Task.sleep(until: due) }
            if charge.key.hasPrefix("customer:"), customerIDs[charge.key] == nil {
                customerIDs[charge.key] = try await Self.createCustomer(charge, host: host, port: port, key: merchantKey)
            }
            let form = Self.chargeForm(charge, currency: "usd", customer: customerIDs[charge.key])
            let (status, body) = try await OneShot.post(host: host, port: port, path: "/v1/charges", form: form, basicUser: merchantKey)
            let outcome = Self.outcome(status: status, body: body)
            outcomes[charge.scenario.rawValue, default: [:]][outcome, default: 0] += 1
            if (index + 1) % 500 == 0 { print("… \(index + 1)/\(count)") }
        }
        let columns = ["authorized", "manual_review", "blocked", "issuer_declined", "error"]
        print("scenario".padding(toLength: 18, withPad: " ", startingAt: 0) + columns.map { $0.padding(toLength: 16, withPad: " ", startingAt: 0) }.joined())
        for scenario in SimulatedCharge.Scenario.allCases {
            let row = outcomes[scenario.rawValue] ?? [:]
            print(scenario.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0)
                + columns.map { String(row[$0] ?? 0).padding(toLength: 16, withPad: " ", startingAt: 0) }.joined())
        }
    }

    /// The `POST /v1/charges` form of a simulated charge: a raw card number per card key, and the buyer signals
    /// (device, billing country, a young email domain) as `radar_options`.
    static func chargeForm(_ charge: SimulatedCharge, currency: String, customer: String?) -> String {
        amountForm(charge, currency: currency, customer: customer)
            + "&source[object]=card&source[number]=\(cardNumber(for: charge.key))&source[exp_month]=12&source[exp_year]=2031"
            + signalsForm(charge)
    }

    /// The `POST /v1/payment_methods` form of the simulated card, as Stripe.js sends it from the checkout page.
    static func paymentMethodForm(_ charge: SimulatedCharge) -> String {
        "type=card&card[number]=\(cardNumber(for: charge.key))&card[exp_month]=12&card[exp_year]=2031"
    }

    /// The create-and-confirm `POST /v1/payment_intents` form of a simulated payment with its PaymentMethod.
    static func paymentIntentForm(_ charge: SimulatedCharge, currency: String, customer: String?, paymentMethod: String,
                                  returnURL: String) -> String {
        amountForm(charge, currency: currency, customer: customer)
            + "&payment_method=\(paymentMethod)&confirm=true&payment_method_types[]=card"
            + "&return_url=\(returnURL.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            + signalsForm(charge)
    }

    static func amountForm(_ charge: SimulatedCharge, currency: String, customer: String?) -> String {
        var form = "amount=\(max(50, Int((charge.amount * 100).rounded())))&currency=\(currency)"
        if let customer { form += "&customer=\(customer)" }
        return form
    }

    static func signalsForm(_ charge: SimulatedCharge) -> String {
        var form = ""
        if let device = charge.device { form += "&radar_options[device_id]=\(device)" }
        if let billing = charge.billingCountry { form += "&radar_options[billing_country]=\(billing)" }
        if let age = charge.emailDomainAgeDays, age < 60 { form += "&radar_options[email]=buyer%40new-\(Int(age)).example" }
        return form
    }

    static func createCustomer(_ charge: SimulatedCharge, host: String, port: Int, key: String) async throws -> String {
        var form = "description=simulated%20\(charge.key.replacingOccurrences(of: ":", with: "%3A"))"
        if let country = charge.billingCountry { form += "&address[country]=\(country)" }
        let (status, body) = try await OneShot.post(host: host, port: port, path: "/v1/customers", form: form, basicUser: key)
        guard status == 200, let data = body.data(using: .utf8),
              let object = try JSONSerialization.jsonObject(with: data) as? [String: Any], let id = object["id"] as? String
        else { throw ValidationError("could not create a customer (HTTP \(status)): \(body)") }
        return id
    }

    static func outcome(status: Int, body: String) -> String {
        guard let data = body.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return "error"
        }
        if status == 200 { return ((object["outcome"] as? [String: Any])?["type"] as? String) ?? "error" }
        if status == 402, let error = object["error"] as? [String: Any] {
            return error["decline_code"] as? String == "fraudulent" ? "blocked" : "issuer_declined"
        }
        return "error"
    }

    /// A stable, Luhn-valid Visa number per card key (not one of Stripe's test numbers).
    static func cardNumber(for key: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let body = "4571" + String(format: "%011llu", hash % 100_000_000_000)
        let digits = body.compactMap { $0.wholeNumberValue }
        var sum = 0
        for (index, digit) in digits.reversed().enumerated() {
            let value = index % 2 == 0 ? digit * 2 : digit
            sum += value > 9 ? value - 9 : value
        }
        return body + String((10 - sum % 10) % 10)
    }
}
