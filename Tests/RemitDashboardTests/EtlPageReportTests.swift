@testable import RemitDashboard
import Testing

/// How the ETL page reads a run's JSON report.
struct EtlPageReportTests {
    @Test func aRunInSlicesShowsEachStepOnceWithItsTotals() {
        let json = """
            {"steps": [{"name": "extract", "seconds": 1.5, "rows": 400}, {"name": "load facts", "seconds": 2, "rows": 390},
                       {"name": "extract", "seconds": 0.5, "rows": 100}, {"name": "load facts", "seconds": 1, "rows": 95},
                       {"name": "aggregates", "seconds": 0.25, "rows": 3}],
             "checks": [{"name": "row_count", "passed": true, "detail": "slice 1 of 2: agree"}]}
            """
        let report = EtlPage.Report(json: json)
        #expect(report.steps.map(\.name) == ["extract", "load facts", "aggregates"])
        #expect(report.steps.map(\.seconds) == [2, 3, 0.25])
        #expect(report.steps.map(\.rows) == [500, 485, 3])
        #expect(report.extracted == 500, "the rows every slice extracted")
        #expect(report.seconds == 5.25)
        #expect(report.checks.count == 1)
    }
}
