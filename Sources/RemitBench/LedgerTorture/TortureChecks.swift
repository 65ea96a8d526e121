import Foundation

/// The judgement of a torture run: every response against Stripe's rules, and the final state of every shared object
/// against what the acknowledged responses say happened to it. Each problem found is one line.
struct TortureChecks: Sendable {
    let pool: TorturePool
    let observations: [TortureObservation]
    let transport: any TortureTransport

    /// Charges whose final state is read at once (a long run leaves tens of thousands).
    static let readsInFlight = 16

    func run() async throws -> [String] {
        var problems = responses() + idempotency()
        let byTarget = Dictionary(grouping: observations, by: \.target)
        let charges = pool.charges
        problems += try await withThrowingTaskGroup(of: [String].self) { group in
            var next = 0
            var found: [String] = []
            func start(_ charge: TorturePool.ChargeEntry) {
                let seen = (byTarget[charge.id] ?? [], charge.dispute.flatMap { byTarget[$0] } ?? [],
                            charge.review.flatMap { byTarget[$0] } ?? [])
                group.addTask { try await self.check(everythingOf: charge, seen: seen) }
            }
            while next < min(Self.readsInFlight, charges.count) {
                start(charges[next])
                next += 1
            }
            while let problems = try await group.next() {
                found += problems
                if next < charges.count {
                    start(charges[next])
                    next += 1
                }
            }
            return found
        }
        return problems
    }

    /// A charge, its dispute and its review.
    func check(everythingOf charge: TorturePool.ChargeEntry,
               seen: (charge: [TortureObservation], dispute: [TortureObservation], review: [TortureObservation]))
        async throws -> [String]
    {
        let key = pool.merchantKeys[charge.merchant]
        var problems = try await check(charge: charge, key: key, seen: seen.charge)
        if let dispute = charge.dispute { problems += try await check(dispute: dispute, key: key, seen: seen.dispute) }
        if let review = charge.review { problems += try await check(review: review, key: key, seen: seen.review) }
        return problems
    }

    /// No 5xx, no transport failure, and no error a state does not explain.
    func responses() -> [String] {
        observations.filter { !$0.isAllowed }.map {
            "\($0.kind.rawValue) on \($0.target) answered \($0.status) \($0.code ?? ""): \($0.body.prefix(200))"
        }
    }

    /// Per idempotency key: at most one execution, and every replay is that execution's response, byte for byte.
    func idempotency() -> [String] {
        var problems: [String] = []
        for (key, seen) in Dictionary(grouping: observations.filter { $0.idempotencyKey != nil }, by: { $0.idempotencyKey ?? "" }) {
            let executions = seen.filter(\.executed)
            if executions.count > 1 { problems.append("idempotency key \(key) executed \(executions.count) times") }
            for replay in seen where replay.replayed {
                if replay.status != 200 { problems.append("idempotency key \(key) replayed an error (\(replay.status))") }
                if let original = executions.first, original.body != replay.body {
                    problems.append("idempotency key \(key) replayed a different body")
                }
            }
        }
        return problems
    }

    /// A charge's captures, refunds and amounts are exactly what the acknowledged requests did.
    func check(charge: TorturePool.ChargeEntry, key: String, seen: [TortureObservation]) async throws -> [String] {
        let state = try TortureJSON.object(try await transport.send(TortureRequest(
            method: .get, path: "/v1/charges/\(charge.id)", key: key)), expecting: 200, "read \(charge.id)")
        let refunds = try await listRefunds(charge: charge.id, key: key)
        var problems: [String] = []
        let acknowledged = seen.filter { $0.kind == .refund && $0.executed }
        let acknowledgedIDs = Set(acknowledged.compactMap(\.objectID))
        if acknowledgedIDs != Set(refunds.keys) {
            problems.append("charge \(charge.id): refunds acknowledged \(acknowledgedIDs.sorted()) but stored \(refunds.keys.sorted())")
        }
        let refunded = refunds.values.reduce(0, +)
        let captures = seen.filter { $0.kind == .capture && $0.executed }
        let captured = state["captured"] as? Bool == true
        let amountCaptured = (state["amount_captured"] as? NSNumber)?.int64Value ?? 0
        if charge.capturedAtCreation ? !captures.isEmpty : captures.count != (captured ? 1 : 0) {
            problems.append("charge \(charge.id): \(captures.count) captures acknowledged, captured is \(captured)")
        }
        if let capture = captures.first, capture.amount != amountCaptured {
            problems.append("charge \(charge.id): capture acknowledged \(capture.amount ?? -1), stored \(amountCaptured)")
        }
        let expectedRefunded = (captured ? charge.amount - amountCaptured : 0) + refunded
        if (state["amount_refunded"] as? NSNumber)?.int64Value != expectedRefunded {
            problems.append("charge \(charge.id): amount_refunded \(state["amount_refunded"] ?? "?") but refunds and release make \(expectedRefunded)")
        }
        if captured ? refunded > amountCaptured : !(refunded == 0 || refunded == charge.amount) {
            problems.append("charge \(charge.id): refunds of \(refunded) against \(captured ? "a capture of \(amountCaptured)" : "an authorization")")
        }
        return problems
    }

    /// A dispute closed exactly once if it is closed, never otherwise, with the balance transactions its status implies;
    /// its charge was never refunded while the chargeback was open or lost.
    func check(dispute: String, key: String, seen: [TortureObservation]) async throws -> [String] {
        let state = try TortureJSON.object(try await transport.send(TortureRequest(
            method: .get, path: "/v1/disputes/\(dispute)", key: key)), expecting: 200, "read \(dispute)")
        let status = state["status"] as? String ?? ""
        let closed = ["won", "lost", "warning_closed"].contains(status)
        let closings = seen.filter { $0.executed && ["won", "lost", "warning_closed"].contains($0.objectStatus ?? "") }
        var problems: [String] = []
        if closings.count != (closed ? 1 : 0) {
            problems.append("dispute \(dispute) is \(status) after \(closings.count) acknowledged closings")
        }
        let transactions = (state["balance_transactions"] as? [Any])?.count ?? -1
        let expected = status.hasPrefix("warning_") ? 0 : status == "won" ? 2 : 1
        if transactions != expected {
            problems.append("dispute \(dispute) (\(status)) has \(transactions) balance transactions, not \(expected)")
        }
        if !status.hasPrefix("warning_"), status != "won", let charge = state["charge"] as? String {
            let refunds = try await listRefunds(charge: charge, key: key)
            if !refunds.isEmpty { problems.append("charge \(charge) refunded while its chargeback is \(status)") }
        }
        return problems
    }

    /// A review approved exactly once if it is closed, never otherwise.
    func check(review: String, key: String, seen: [TortureObservation]) async throws -> [String] {
        let state = try TortureJSON.object(try await transport.send(TortureRequest(
            method: .get, path: "/v1/reviews/\(review)", key: key)), expecting: 200, "read \(review)")
        let approvals = seen.filter { $0.kind == .reviewApprove && $0.executed }.count
        let open = state["open"] as? Bool ?? true
        return approvals == (open ? 0 : 1) ? [] : ["review \(review) is \(open ? "open" : "closed") after \(approvals) approvals"]
    }

    /// Every refund of a charge, by id.
    func listRefunds(charge: String, key: String) async throws -> [String: Int64] {
        var refunds: [String: Int64] = [:]
        var after: String?
        while true {
            var parameters = [("charge", charge), ("limit", "100")]
            if let after { parameters.append(("starting_after", after)) }
            let page = try TortureJSON.object(try await transport.send(TortureRequest(
                method: .get, path: "/v1/refunds", parameters: parameters, key: key)), expecting: 200, "list refunds")
            let data = page["data"] as? [[String: Any]] ?? []
            for refund in data {
                refunds[refund["id"] as? String ?? ""] = (refund["amount"] as? NSNumber)?.int64Value ?? 0
            }
            guard page["has_more"] as? Bool == true, let last = data.last?["id"] as? String else { return refunds }
            after = last
        }
    }
}
