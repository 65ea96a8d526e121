import RemitETL
import Testing

struct SlowlyChangingDimensionTests {
    func row(_ key: String, email: String?, at time: Int64, deleted: Bool = false) -> DimensionSourceRow {
        DimensionSourceRow(businessKey: key, attributes: ["email": email, "name": "Ada"], updatedAt: time, deleted: deleted)
    }

    /// Applies a plan to a version list, as the warehouse load does.
    func apply(_ plan: DimensionPlan, to versions: inout [DimensionVersion]) {
        for closeOut in plan.closeOuts {
            if let index = versions.firstIndex(where: { $0.scdID == closeOut.scdID && $0.validTo == nil }) {
                versions[index].validTo = closeOut.validTo
            }
        }
        versions += plan.inserts
    }

    func current(_ versions: [DimensionVersion]) -> [String: DimensionVersion] {
        Dictionary(uniqueKeysWithValues: versions.filter { $0.validTo == nil }.map { ($0.businessKey, $0) })
    }

    @Test func newChangedUnchangedAndRerunAreDbtsSnapshotSemantics() throws {
        var versions: [DimensionVersion] = []
        apply(try SlowlyChangingDimension.plan(current: [:], source: [row("cus_1", email: "a@x", at: 100)]), to: &versions)
        #expect(versions.count == 1)
        #expect(versions[0].validFrom == 100 && versions[0].validTo == nil && !versions[0].isDeleted)

        let change = try SlowlyChangingDimension.plan(current: current(versions), source: [row("cus_1", email: "b@x", at: 200)])
        #expect(change.closeOuts == [.init(scdID: versions[0].scdID, validTo: 200)], "half-open: closed where the next opens")
        apply(change, to: &versions)
        #expect(versions.map(\.validTo) == [200, nil])

        let rerun = try SlowlyChangingDimension.plan(current: current(versions), source: [row("cus_1", email: "b@x", at: 200)])
        #expect(rerun == DimensionPlan(), "the same data again changes nothing")
        let touched = try SlowlyChangingDimension.plan(current: current(versions), source: [row("cus_1", email: "b@x", at: 300)])
        #expect(touched == DimensionPlan(), "a later change that leaves the tracked attributes alone is no new version")
        let nullEmail = try SlowlyChangingDimension.plan(current: current(versions), source: [row("cus_1", email: nil, at: 400)])
        #expect(nullEmail.inserts.count == 1, "a value becoming null is a change")
    }

    @Test func changedTwiceInOneRunIsOneVersionOfTheFinalValues() throws {
        // The run's net changes carry only the last image of the row.
        let plan = try SlowlyChangingDimension.plan(current: [:], source: [row("cus_1", email: "final@x", at: 250)])
        #expect(plan.inserts.map { $0.attributes["email"] ?? nil } == ["final@x"])
    }

    @Test(arguments: [HardDeletes.ignore, .invalidate, .newRecord])
    func deletesFollowHardDeletes(mode: HardDeletes) throws {
        var versions: [DimensionVersion] = []
        apply(try SlowlyChangingDimension.plan(current: [:], source: [row("cus_1", email: "a@x", at: 100)]), to: &versions)
        let plan = try SlowlyChangingDimension.plan(current: current(versions), source: [row("cus_1", email: "a@x", at: 500, deleted: true)],
                                                    hardDeletes: mode)
        switch mode {
        case .ignore:
            #expect(plan == DimensionPlan())
        case .invalidate:
            #expect(plan.closeOuts.map(\.validTo) == [500])
            #expect(plan.inserts.isEmpty)
        case .newRecord:
            #expect(plan.closeOuts.map(\.validTo) == [500])
            #expect(plan.inserts.map(\.isDeleted) == [true])
            #expect(plan.inserts.first?.attributes["email"] ?? nil == "a@x", "the deleted record keeps the last values")
        }
    }

    @Test func surrogateKeysAreDeterministicAndFactsFindTheVersionValidAtTheirTime() throws {
        var versions: [DimensionVersion] = []
        apply(try SlowlyChangingDimension.plan(current: [:], source: [row("cus_1", email: "a@x", at: 100)]), to: &versions)
        apply(try SlowlyChangingDimension.plan(current: current(versions), source: [row("cus_1", email: "b@x", at: 200)]), to: &versions)
        let again = try SlowlyChangingDimension.plan(current: [:], source: [row("cus_1", email: "a@x", at: 100)])
        #expect(again.inserts.first?.surrogateKey == versions[0].surrogateKey, "a rebuild gives the same keys")
        #expect(versions.allSatisfy { $0.surrogateKey > 0 })
        #expect(SlowlyChangingDimension.surrogateKey(of: "cus_1", at: 150, in: versions) == versions[0].surrogateKey)
        #expect(SlowlyChangingDimension.surrogateKey(of: "cus_1", at: 200, in: versions) == versions[1].surrogateKey)
        #expect(SlowlyChangingDimension.surrogateKey(of: "cus_1", at: 99, in: versions) == -1, "before any version: unknown")
        #expect(SlowlyChangingDimension.surrogateKey(of: "cus_9", at: 150, in: versions) == -1)
    }

    @Test func duplicateKeysInTheSourceAreRefused() {
        #expect(throws: SlowlyChangingDimension.DuplicateKeys.self) {
            try SlowlyChangingDimension.plan(current: [:], source: [row("cus_1", email: "a", at: 1), row("cus_1", email: "b", at: 2)])
        }
    }
}
