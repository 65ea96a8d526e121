import Foundation
import GradientBoosting
import Synchronization

/// A randomized, concurrent test of the ledger in the spirit of TigerBeetle's simulator: many clients, most of them on
/// a few shared objects, send random overlapping sequences of charges, partial captures, partial and full refunds,
/// dispute evidence, accepts, review approvals, idempotent retries and racing duplicates. Afterwards every response is
/// judged against Stripe's rules (``TortureChecks``): no 5xx, only the errors a state allows, at most one winner per
/// race, and the final state equal to what the acknowledged responses say happened.
///
/// Each client's sequence comes from the seed, so a printed seed replays the same requests (their interleaving is the
/// machine's).
public struct LedgerTorture: Sendable {
    public struct Configuration: Sendable {
        public var seed: UInt64
        public var clients = 32
        /// Requests per client; with `duration` set, clients run until it elapses instead.
        public var operationsPerClient = 40
        public var duration: Duration?
        public var merchants = 2
        public var chargesPerMerchant = 12
        /// Most requests go to this many objects of each kind, so they race.
        public var hotObjects = 3

        public init(seed: UInt64) { self.seed = seed }
    }

    public struct Report: Sendable, CustomStringConvertible {
        public var seed: UInt64
        public var requests = 0
        public var executed: [String: Int] = [:]
        public var refused: [String: Int] = [:]
        public var failures: [String] = []
        public var elapsed: Duration = .zero
        public var passed: Bool { failures.isEmpty }

        public var description: String {
            var lines = ["ledger torture, seed \(seed): \(requests) requests in \(elapsed)"]
            for kind in TortureObservation.Kind.allCases.map(\.rawValue) {
                lines.append("  \(kind.padding(toLength: 14, withPad: " ", startingAt: 0)) executed \(executed[kind, default: 0]), "
                             + "refused \(refused[kind, default: 0])")
            }
            lines.append(failures.isEmpty ? "PASSED" : "FAILED: \(failures.count) problem(s)")
            lines += failures.prefix(40).map { "  " + $0 }
            return lines.joined(separator: "\n")
        }
    }

    let configuration: Configuration
    let transport: any TortureTransport
    let adminKey: String

    public init(configuration: Configuration, transport: any TortureTransport, adminKey: String) {
        self.configuration = configuration
        self.transport = transport
        self.adminKey = adminKey
    }

    /// Sets up merchants and shared objects, runs the clients, checks everything they saw.
    /// - Parameter progress: called now and then with the requests sent so far.
    public func run(progress: @escaping @Sendable (Int) -> Void = { _ in }) async throws -> Report {
        let started = ContinuousClock.now
        let pool = try await TorturePool.make(configuration, transport: transport, adminKey: adminKey)
        let sent = SentCounter()
        let deadline = configuration.duration.map { started + $0 }
        let observations = try await withThrowingTaskGroup(of: [TortureObservation].self) { group in
            for client in 0..<configuration.clients {
                let seed = configuration.seed &+ UInt64(client) &* 0x9E37_79B9_7F4A_7C15
                group.addTask { [configuration, transport] in
                    var worker = TortureClient(index: client, generator: SeededGenerator(seed: seed), pool: pool,
                                               transport: transport, hotObjects: configuration.hotObjects)
                    var step = 0
                    while deadline.map({ ContinuousClock.now < $0 }) ?? (step < configuration.operationsPerClient) {
                        try await worker.step()
                        step += 1
                        let total = sent.value.add(1, ordering: .relaxed).newValue
                        if total % 1_000 == 0 { progress(total) }
                    }
                    return worker.observations
                }
            }
            return try await group.reduce(into: [TortureObservation]()) { $0 += $1 }
        }
        var report = Report(seed: configuration.seed)
        report.requests = observations.count
        for observation in observations {
            if observation.executed {
                report.executed[observation.kind.rawValue, default: 0] += 1
            } else if observation.status != 200 {
                report.refused[observation.kind.rawValue, default: 0] += 1
            }
        }
        report.failures = try await TortureChecks(pool: pool, observations: observations, transport: transport).run()
        report.elapsed = ContinuousClock.now - started
        return report
    }
}

/// The shared objects the clients race on. New charges join it as they are made.
final class TorturePool: Sendable {
    struct ChargeEntry: Sendable {
        var id: String
        var merchant: Int
        var amount: Int64
        var capturedAtCreation: Bool
        var dispute: String?
        var review: String?
    }

    /// Which charges an operation can target.
    enum Subset: Int, CaseIterable {
        case all, uncapturedAtCreation, disputed, reviewed

        func contains(_ charge: ChargeEntry) -> Bool {
            switch self {
            case .all: true
            case .uncapturedAtCreation: !charge.capturedAtCreation
            case .disputed: charge.dispute != nil
            case .reviewed: charge.review != nil
            }
        }
    }

    let merchantKeys: [String]
    /// Each subset's charges in the order they joined, so a pick costs no copy of the pool.
    private let subsets: Mutex<[[ChargeEntry]]>

    init(merchantKeys: [String], charges: [ChargeEntry]) {
        self.merchantKeys = merchantKeys
        subsets = Mutex(Subset.allCases.map { subset in charges.filter(subset.contains) })
    }

    var charges: [ChargeEntry] { subsets.withLock { $0[Subset.all.rawValue] } }

    func add(_ charge: ChargeEntry) {
        subsets.withLock { subsets in
            for subset in Subset.allCases where subset.contains(charge) { subsets[subset.rawValue].append(charge) }
        }
    }

    /// A charge of `subset`: with `hot`, one of the newest `hotObjects` (so clients race, and keep racing as new
    /// charges join), else any; `roll` chooses which.
    func pick(_ subset: Subset, hot: Bool, hotObjects: Int, roll: UInt64) -> ChargeEntry? {
        subsets.withLock { subsets in
            let candidates = subsets[subset.rawValue]
            guard !candidates.isEmpty else { return nil }
            if hot { return candidates[candidates.count - 1 - Int(roll % UInt64(min(hotObjects, candidates.count)))] }
            return candidates[Int(roll % UInt64(candidates.count))]
        }
    }

    /// The kinds of charge the set-up makes, in turn: (source, capture, amount).
    static let setUpCharges: [(String, Bool, Int64)] = [
        ("tok_visa", true, 10_000), ("tok_visa", false, 10_000), ("tok_createDispute", true, 5_000),
        ("tok_riskLevelElevated", true, 8_000), ("tok_visa", false, 7_000), ("pm_card_createDisputeInquiry", true, 6_000),
        ("tok_createDispute", true, 4_000), ("tok_visa", true, 9_000),
    ]

    static func make(_ configuration: LedgerTorture.Configuration, transport: any TortureTransport,
                     adminKey: String) async throws -> TorturePool {
        var keys: [String] = []
        for index in 0..<configuration.merchants {
            let response = try await transport.send(TortureRequest(
                method: .post, path: "/v1/accounts",
                parameters: [("type", "custom"), ("country", "US"), ("email", "torture\(index)@example.com")], key: adminKey))
            let json = try TortureJSON.object(response, expecting: 200, "create a merchant")
            guard let key = json["secret_key"] as? String else { throw TortureSetUpError("no secret_key in the account") }
            keys.append(key)
        }
        var charges: [ChargeEntry] = []
        for (merchant, key) in keys.enumerated() {
            for index in 0..<configuration.chargesPerMerchant {
                let (source, capture, amount) = setUpCharges[index % setUpCharges.count]
                charges.append(try await createCharge(merchant: merchant, key: key, source: source, capture: capture,
                                                      amount: amount, transport: transport).entry)
            }
        }
        return TorturePool(merchantKeys: keys, charges: charges)
    }

    /// Creates a charge and finds its dispute and review.
    static func createCharge(merchant: Int, key: String, source: String, capture: Bool, amount: Int64,
                             idempotencyKey: String? = nil, transport: any TortureTransport)
        async throws -> (entry: ChargeEntry, request: TortureRequest, response: TortureResponse)
    {
        let parameter = source.hasPrefix("pm_") ? "payment_method" : "source"
        let request = TortureRequest(method: .post, path: "/v1/charges", parameters: [
            ("amount", String(amount)), ("currency", "usd"), (parameter, source), ("capture", capture ? "true" : "false"),
        ], key: key, idempotencyKey: idempotencyKey)
        let response = try await transport.send(request)
        let json = try TortureJSON.object(response, expecting: 200, "create a charge")
        let id = json["id"] as? String ?? ""
        var dispute: String?
        if json["disputed"] as? Bool == true || source.contains("Dispute") {
            let list = try await transport.send(TortureRequest(method: .get, path: "/v1/disputes",
                                                               parameters: [("charge", id)], key: key))
            dispute = ((try TortureJSON.object(list, expecting: 200, "list disputes")["data"] as? [[String: Any]])?
                .first?["id"] as? String)
        }
        let entry = ChargeEntry(id: id, merchant: merchant, amount: amount, capturedAtCreation: capture,
                                dispute: dispute, review: json["review"] as? String)
        return (entry, request, response)
    }
}

final class SentCounter: Sendable {
    let value = Atomic<Int>(0)
}

struct TortureSetUpError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum TortureJSON {
    static func object(_ response: TortureResponse, expecting status: Int, _ what: String) throws -> [String: Any] {
        guard response.status == status,
              let json = (try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) as? [String: Any]
        else { throw TortureSetUpError("\(what): HTTP \(response.status) \(response.body.prefix(300))") }
        return json
    }
}
