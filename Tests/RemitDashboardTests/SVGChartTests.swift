import Foundation
@testable import RemitDashboard
import Testing

/// The charts Remit draws itself: what a reader (and a screen reader) gets from the SVG.
struct SVGChartTests {
    func chart(_ kind: SVGChart.Kind, _ values: [Double?], labels: [String]? = nil, name: String = "Fees") -> String {
        SVGChart(title: "A <chart>", summary: "What it shows", kind: kind, labels: labels ?? values.indices.map { "d\($0)" },
                 series: [.init(name: name, values: values)]).render(id: "c")
    }

    @Test func anEmptyChartDrawsItsAxesAndSaysSo() {
        let svg = chart(.bars, [nil, nil, nil])
        #expect(svg.contains("no data yet"))
        #expect(svg.contains("class=\"axis\"") && svg.contains("class=\"grid\""))
        #expect(svg.contains("role=\"img\"") && svg.contains("<title id=\"c-title\">A &lt;chart&gt;</title>"))
        #expect(svg.contains("<desc id=\"c-desc\">What it shows</desc>"))
        #expect(!svg.contains("class=\"bar\""))
    }

    @Test func aMissingDayBreaksTheLineInsteadOfBridgingIt() throws {
        let svg = chart(.lines, [1, 2, nil, 4, 5])
        let start = try #require(svg.range(of: "<path class=\"line\" d=\""))
        let path = try #require(svg[start.upperBound...].split(separator: "\"").first)
        #expect(path.filter { $0 == "M" }.count == 2, "two subpaths: \(path)")
        #expect(path.filter { $0 == "L" }.count == 2)
        #expect(svg.components(separatedBy: "<circle").count - 1 == 4, "a marker per value")
        #expect(!svg.contains("no data yet"))
    }

    @Test func longLinesDropTheirMarkers() {
        let values: [Double?] = (0..<(SVGChart.markersMax + 1)).map { Double($0) }
        #expect(!chart(.lines, values).contains("<circle"))
        #expect(chart(.lines, Array(values.prefix(SVGChart.markersMax))).contains("<circle"))
    }

    @Test func barsStackAndTheirTooltipsAreEscaped() {
        let svg = chart(.bars, [3, 0, 7], name: "<script>")
        #expect(svg.components(separatedBy: "class=\"bar\"").count - 1 == 2, "no bar for a zero")
        #expect(svg.contains("&lt;script&gt;") && !svg.contains("<script>"))
    }
}
