import Foundation
import GradientBoosting

/// Agent-based synthetic card traffic with fraud (fraud.md §4.2, PaySim-like): customers with home countries,
/// spending profiles, activity rates and known devices; merchants with Zipf popularity, some high-risk; and
/// four fraud patterns — account takeover, new accounts with stolen cards and a shared device ring, card
/// testing bursts, friendly fraud — whose disputes arrive weeks later. Deterministic for a seed.
public struct TrafficGenerator: Sendable {
    public struct Settings: Sendable {
        public var customers = 20_000
        public var merchants = 500
        public var days = 150
        /// Fraud incidents as a share of the customer count over the whole period.
        public var incidentRate = 0.12
        public var friendlyFraudRate = 0.001
        public var seed: UInt64 = 1
        public init() {}
    }

    public let settings: Settings

    public init(settings: Settings) { self.settings = settings }

    static let countries = ["US", "GB", "DE", "FR", "CA", "ES", "IT", "NL", "BR", "MX", "AU", "JP", "IN", "SE", "PL",
                            "BE", "CH", "AT", "IE", "PT", "DK", "NO", "FI", "SG", "NZ", "ZA", "AR", "CL", "RU", "NG"]
    static let countryWeights: [Double] = [30, 9, 8, 7, 5, 4, 4, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]

    struct Customer {
        var home: String
        var cardCountry: String
        var emailAge: Double
        var spendLog: Double
        var rate: Double  // sessions per day
        var devices: [String]
        var joined: Int64
    }

    /// Every charge attempt, in time order.
    public func generate() -> [SimulatedCharge] {
        var random = SeededGenerator(seed: settings.seed)
        let horizon = Int64(settings.days) * 86_400
        let merchants = makeMerchants(&random)
        var customers: [Customer] = (0..<settings.customers).map { index in makeCustomer(index, horizon: horizon, &random) }
        var charges: [SimulatedCharge] = []
        charges.reserveCapacity(settings.customers * settings.days / 2)

        for (index, customer) in customers.enumerated() {
            var time = customer.joined
            while true {
                time += Int64(exponential(1 / customer.rate, &random) * 86_400)
                guard time < horizon else { break }
                var session = time
                let count = 1 + geometric(0.7, &random)
                let merchant = pickMerchant(merchants, highRiskBoost: 1, &random)
                for _ in 0..<count {
                    let newDevice = random.nextUnit() < 0.006
                    let device = newDevice ? "d-\(random.next() % 1_000_000_000)" : customer.devices[Int(random.next() % UInt64(customer.devices.count))]
                    let foreign = random.nextUnit() < 0.05
                    var charge = SimulatedCharge(
                        time: session, merchant: merchant, key: "customer:\(index)",
                        amount: rounded(exp(customer.spendLog + 0.5 * normal(&random))), cardCountry: customer.cardCountry,
                        billingCountry: customer.home, ipCountry: foreign ? pickCountry(&random) : customer.home,
                        device: device, emailDomainAgeDays: customer.emailAge + Double(session) / 86_400,
                        scenario: .legitimate, disputedAt: nil)
                    if random.nextUnit() < settings.friendlyFraudRate {
                        charge.scenario = .friendlyFraud
                        charge.disputedAt = session + disputeDelay(&random)
                    }
                    charges.append(charge)
                    session += Int64(exponential(240, &random))
                }
            }
        }

        let incidents = Int(Double(settings.customers) * settings.incidentRate)
        var nextCard = 0
        var ring: [String] = (0..<400).map { "ring-\($0)" }
        ring.shuffle(using: &random)
        for _ in 0..<incidents {
            let start = Int64(random.nextUnit() * Double(horizon))
            let pick = random.nextUnit()
            if pick < 0.40 {
                // Account takeover of a customer who exists by then.
                let index = Int(random.next() % UInt64(customers.count))
                let victim = customers[index]
                guard victim.joined < start else { continue }
                let device = random.nextUnit() < 0.9 ? "ato-\(random.next() % 1_000_000_000)" : victim.devices[0]
                let ip = random.nextUnit() < 0.75 ? pickCountry(&random, excluding: victim.home) : victim.home
                var time = start
                for _ in 0..<(1 + Int(random.next() % 4)) {
                    let multiple = 1 + random.nextUnit() * 7
                    charges.append(fraud(
                        time: time, merchant: pickMerchant(merchants, highRiskBoost: 6, &random), key: "customer:\(index)",
                        amount: rounded(exp(victim.spendLog) * multiple), card: victim.cardCountry, billing: victim.home,
                        ip: ip, device: device, emailAge: victim.emailAge + Double(time) / 86_400, .accountTakeover,
                        disputeProbability: 0.9, &random))
                    time += Int64(exponential(900, &random))
                }
            } else if pick < 0.75 {
                // A new account with a stolen card.
                let card = pickCountry(&random)
                let billing = random.nextUnit() < 0.65 ? card : pickCountry(&random)
                let ip = random.nextUnit() < 0.45 ? card : pickCountry(&random)
                let emailAge = random.nextUnit() < 0.4 ? random.nextUnit() * 60 : 30 + random.nextUnit() * 4_000
                let device = random.nextUnit() < 0.5 ? ring[Int(random.next() % UInt64(ring.count))] : "new-\(random.next() % 1_000_000_000)"
                let index = customers.count
                customers.append(Customer(home: billing, cardCountry: card, emailAge: emailAge, spendLog: 4.5, rate: 0,
                                          devices: [device], joined: start))
                var time = start
                for _ in 0..<(1 + Int(random.next() % 5)) {
                    charges.append(fraud(
                        time: time, merchant: pickMerchant(merchants, highRiskBoost: 6, &random), key: "customer:\(index)",
                        amount: rounded(exp(4.5 + 0.8 * normal(&random))), card: card, billing: billing, ip: ip,
                        device: device, emailAge: emailAge, .stolenCard, disputeProbability: 0.9, &random))
                    time += Int64(300 + exponential(1_800, &random))
                }
            } else {
                // Card testing: a burst of tiny charges on one card at one merchant.
                nextCard += 1
                let merchant = pickMerchant(merchants, highRiskBoost: 6, &random)
                let card = pickCountry(&random)
                let ip = pickCountry(&random)
                var time = start
                for _ in 0..<(4 + Int(random.next() % 37)) {
                    charges.append(fraud(
                        time: time, merchant: merchant, key: "card:\(nextCard)", amount: rounded(0.5 + random.nextUnit() * 4.5),
                        card: card, billing: random.nextUnit() < 0.5 ? card : nil, ip: ip,
                        device: "tester-\(nextCard)", emailAge: random.nextUnit() < 0.5 ? random.nextUnit() * 3_000 : nil, .cardTesting,
                        disputeProbability: 0.7, &random))
                    time += Int64(20 + exponential(25, &random))
                }
            }
        }
        charges = charges.map { asSent($0, merchants) }
        charges.sort { ($0.time, $0.key) < ($1.time, $1.key) }
        return charges
    }

    private func fraud(
        time: Int64, merchant: Int, key: String, amount: Double, card: String, billing: String?, ip: String?,
        device: String?, emailAge: Double?, _ scenario: SimulatedCharge.Scenario, disputeProbability: Double,
        _ random: inout SeededGenerator
    ) -> SimulatedCharge {
        SimulatedCharge(
            time: time, merchant: merchant, key: key, amount: amount, cardCountry: card, billingCountry: billing,
            ipCountry: ip, device: device, emailDomainAgeDays: emailAge, scenario: scenario,
            disputedAt: random.nextUnit() < disputeProbability ? time + disputeDelay(&random) : nil)
    }

    struct Merchant {
        var weight: Double
        var highRisk: Bool
        /// What this merchant's integration sends besides the card (many send nothing): whether a signal is
        /// missing depends on the merchant, not on who pays, as with real integrations.
        var sendsIP: Bool
        var sendsDevice: Bool
        var sendsEmail: Bool
        var sendsBilling: Bool
    }

    private func makeMerchants(_ random: inout SeededGenerator) -> [Merchant] {
        (0..<settings.merchants).map { rank in
            Merchant(weight: 1 / pow(Double(rank + 1), 1.1), highRisk: random.nextUnit() < 0.1,
                     sendsIP: random.nextUnit() < 0.6, sendsDevice: random.nextUnit() < 0.5,
                     sendsEmail: random.nextUnit() < 0.7, sendsBilling: random.nextUnit() < 0.6)
        }
    }

    /// Drops the signals the merchant's integration does not send.
    private func asSent(_ charge: SimulatedCharge, _ merchants: [Merchant]) -> SimulatedCharge {
        let merchant = merchants[charge.merchant]
        var sent = charge
        if !merchant.sendsIP { sent.ipCountry = nil }
        if !merchant.sendsDevice { sent.device = nil }
        if !merchant.sendsEmail { sent.emailDomainAgeDays = nil }
        if !merchant.sendsBilling { sent.billingCountry = nil }
        return sent
    }

    private func makeCustomer(_ index: Int, horizon: Int64, _ random: inout SeededGenerator) -> Customer {
        let home = pickCountry(&random)
        let card = random.nextUnit() < 0.03 ? pickCountry(&random) : home
        let roll = random.nextUnit()
        let emailAge = roll < 0.85 ? 3_000 + random.nextUnit() * 7_000 : roll < 0.985 ? 30 + random.nextUnit() * 4_970 : random.nextUnit() * 30
        let business = random.nextUnit() < 0.02
        let rate = gamma(shape: 2, scale: 0.1, &random) * (business ? 25 : 1)
        let devices = (0..<(1 + Int(random.next() % 3))).map { _ in "d-\(random.next() % 1_000_000_000)" }
        let joined: Int64 = random.nextUnit() < 0.65 ? 0 : Int64(random.nextUnit() * Double(horizon))
        return Customer(home: home, cardCountry: card, emailAge: emailAge, spendLog: 3.3 + 0.9 * normal(&random),
                        rate: max(rate, 0.005), devices: devices, joined: joined)
    }

    private func pickMerchant(_ merchants: [Merchant], highRiskBoost: Double, _ random: inout SeededGenerator) -> Int {
        // Rejection sampling on the Zipf weights, with high-risk merchants boosted for fraud.
        while true {
            let candidate = Int(random.next() % UInt64(merchants.count))
            let merchant = merchants[candidate]
            let weight = merchant.weight * (merchant.highRisk ? highRiskBoost : 1) / highRiskBoost
            if random.nextUnit() < weight { return candidate }
        }
    }

    private func pickCountry(_ random: inout SeededGenerator, excluding: String? = nil) -> String {
        let total = Self.countryWeights.reduce(0, +)
        while true {
            var roll = random.nextUnit() * total
            for (country, weight) in zip(Self.countries, Self.countryWeights) {
                roll -= weight
                if roll < 0 {
                    if country != excluding { return country }
                    break
                }
            }
        }
    }

    private func disputeDelay(_ random: inout SeededGenerator) -> Int64 {
        Int64(exp(log(20.0) + 0.6 * normal(&random)) * 86_400)
    }

    private func rounded(_ amount: Double) -> Double { max(0.5, (amount * 100).rounded() / 100) }
}

func normal(_ random: inout SeededGenerator) -> Double {
    let u = max(random.nextUnit(), 1e-12), v = random.nextUnit()
    return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
}

func exponential(_ mean: Double, _ random: inout SeededGenerator) -> Double {
    -mean * log(max(random.nextUnit(), 1e-12))
}

func geometric(_ p: Double, _ random: inout SeededGenerator) -> Int {
    var count = 0
    while random.nextUnit() > p { count += 1 }
    return count
}

/// Marsaglia–Tsang for shape ≥ 1.
func gamma(shape: Double, scale: Double, _ random: inout SeededGenerator) -> Double {
    let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
    while true {
        var x: Double, v: Double
        repeat {
            x = normal(&random)
            v = 1 + c * x
        } while v <= 0
        v = v * v * v
        let u = random.nextUnit()
        if log(max(u, 1e-300)) < 0.5 * x * x + d - d * v + d * log(v) { return d * v * scale }
    }
}
