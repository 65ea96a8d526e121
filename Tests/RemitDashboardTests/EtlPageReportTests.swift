@testable import RemitDashboard
import Testing

/// How the ETL page reads a run's JSON report.
struct EtlPageReportTests {
    @Test func aRunInSlicesShowsEachStepOnceWithItsTotals() {
        let json = """
            {"steps": [{"name": "extract", "seconds": 1.5, "rows": 400}, {"name": "load facts", "seconds": 2, "rows": 390},
                       {"name": "extract (beside the load)", "seconds": 0.7, "rows": 100},
                       {"name": "extract (wait)", "seconds": 0.5, "rows": 0}, {"name": "load facts", "seconds": 1, "rows": 95},
                       {"name": "aggregates", "seconds": 0.25, "rows": 3}],
             "checks": [{"name": "row_count", "passed": true, "detail": "slice 1 of 2: agree"}]}
            """
        let report = EtlPage.Report(json: json)
        #expect(report.steps.map(\.name) == ["extract", "load facts", "extract (beside the load)", "extract (wait)", "aggregates"])
        #expect(report.steps.map(\.seconds) == [1.5, 3, 0.7, 0.5, 0.25])
        #expect(report.steps.map(\.rows) == [400, 485, 100, 0, 3])
        #expect(report.extracted == 500, "the rows every slice extracted")
        #expect(report.seconds == 5.25, "the steps that ran beside the others are not counted twice")
        #expect(report.checks.count == 1)
    }
}
