import Foundation

/// A chart drawn by Remit itself as inline SVG (no script, no CDN: the dashboards work on an air-gapped machine):
/// bars (stacked series) or lines over labelled x positions, with axes, gridlines, a legend, a title and a
/// description for screen readers, and "no data yet" when there is nothing to draw.
struct SVGChart: Sendable {
    enum Kind: Sendable { case bars, lines }

    struct Series: Sendable {
        var name: String
        /// One per x label; nil where the series has no value.
        var values: [Double?]
    }

    var title: String
    /// What the chart shows, for screen readers (`<desc>`).
    var summary: String
    var kind: Kind
    var labels: [String]
    var series: [Series]
    /// How the y axis and tooltips print a value.
    var format: @Sendable (Double) -> String = { SVGChart.compact($0) }

    static let width = 720.0
    static let height = 260.0
    static let margin = (top: 16.0, right: 16.0, bottom: 44.0, left: 64.0)
    static let palette = ["#2563eb", "#16a34a", "#dc2626", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"]

    /// The chart as an SVG element (its text escaped).
    func render(id: String) -> String {
        let plotWidth = Self.width - Self.margin.left - Self.margin.right
        let plotHeight = Self.height - Self.margin.top - Self.margin.bottom
        let hasData = series.contains { $0.values.contains { $0 != nil } }
        let maximum = niceMaximum(hasData ? dataMaximum() : 1)
        var svg = """
            <svg viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" role="img" aria-labelledby="\(id)-title \(id)-desc" \
            class="chart" data-series="\(series.count)" data-points="\(labels.count)" xmlns="http://www.w3.org/2000/svg">\
            <title id="\(id)-title">\(Self.escape(title))</title><desc id="\(id)-desc">\(Self.escape(summary))</desc>
            """
        // Gridlines and y axis labels.
        for step in 0...4 {
            let value = maximum * Double(step) / 4
            let y = Self.margin.top + plotHeight * (1 - Double(step) / 4)
            svg += "<line class=\"grid\" x1=\"\(f(Self.margin.left))\" x2=\"\(f(Self.width - Self.margin.right))\" y1=\"\(f(y))\" y2=\"\(f(y))\"/>"
            svg += "<text class=\"tick\" x=\"\(f(Self.margin.left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(Self.escape(format(value)))</text>"
        }
        svg += "<line class=\"axis\" x1=\"\(f(Self.margin.left))\" x2=\"\(f(Self.width - Self.margin.right))\" y1=\"\(f(Self.margin.top + plotHeight))\" y2=\"\(f(Self.margin.top + plotHeight))\"/>"
        let count = max(labels.count, 1)
        let slot = plotWidth / Double(count)
        // X labels: at most about 12, evenly spread.
        let every = max(1, Int((Double(labels.count) / 12).rounded(.up)))
        for (index, label) in labels.enumerated() where index % every == 0 {
            let x = Self.margin.left + slot * (Double(index) + 0.5)
            svg += "<text class=\"tick\" x=\"\(f(x))\" y=\"\(f(Self.height - Self.margin.bottom + 16))\" text-anchor=\"middle\">\(Self.escape(label))</text>"
        }
        if !hasData {
            svg += "<text class=\"empty\" x=\"\(f(Self.margin.left + plotWidth / 2))\" y=\"\(f(Self.margin.top + plotHeight / 2))\" text-anchor=\"middle\">no data yet</text>"
        } else {
            switch kind {
            case .bars: svg += bars(slot: slot, plotHeight: plotHeight, maximum: maximum)
            case .lines: svg += lines(slot: slot, plotHeight: plotHeight, maximum: maximum)
            }
        }
        // Legend.
        var x = Self.margin.left
        for (index, series) in series.enumerated() {
            let color = Self.palette[index % Self.palette.count]
            svg += "<rect x=\"\(f(x))\" y=\"\(f(Self.height - 14))\" width=\"10\" height=\"10\" fill=\"\(color)\"/>"
            svg += "<text class=\"legend\" x=\"\(f(x + 14))\" y=\"\(f(Self.height - 5))\">\(Self.escape(series.name))</text>"
            x += 24 + Double(min(series.name.count, 28)) * 6.5
        }
        return svg + "</svg>"
    }

    func dataMaximum() -> Double {
        switch kind {
        case .bars:
            return labels.indices.map { index in series.reduce(0) { $0 + max(0, ($1.values[safe: index] ?? nil) ?? 0) } }.max() ?? 1
        case .lines:
            return series.flatMap { $0.values.compactMap { $0 } }.max() ?? 1
        }
    }

    func bars(slot: Double, plotHeight: Double, maximum: Double) -> String {
        var svg = ""
        let barWidth = max(1, slot * 0.7)
        for index in labels.indices {
            var top = Self.margin.top + plotHeight
            for (position, series) in series.enumerated() {
                guard let value = series.values[safe: index] ?? nil, value > 0 else { continue }
                let height = plotHeight * value / maximum
                top -= height
                let x = Self.margin.left + slot * Double(index) + (slot - barWidth) / 2
                svg += "<rect class=\"bar\" x=\"\(f(x))\" y=\"\(f(top))\" width=\"\(f(barWidth))\" height=\"\(f(height))\" "
                    + "fill=\"\(Self.palette[position % Self.palette.count])\"><title>\(Self.escape("\(labels[index]) · \(series.name): \(format(value))"))</title></rect>"
            }
        }
        return svg
    }

    static let markersMax = 96

    func lines(slot: Double, plotHeight: Double, maximum: Double) -> String {
        var svg = ""
        for (position, series) in series.enumerated() {
            let color = Self.palette[position % Self.palette.count]
            var path = ""
            var points = ""
            var afterGap = true
            // Past a few dozen points the markers (each with its tooltip) weigh more than they tell: the line alone.
            let markers = labels.count <= Self.markersMax
            for (index, value) in series.values.enumerated() {
                // A missing value breaks the line: the next point starts a new subpath rather than bridging the gap.
                guard let value else { afterGap = true; continue }
                let x = Self.margin.left + slot * (Double(index) + 0.5)
                let y = Self.margin.top + plotHeight * (1 - value / maximum)
                path += (afterGap ? (path.isEmpty ? "M" : " M") : " L") + "\(f(x)),\(f(y))"
                afterGap = false
                guard markers else { continue }
                points += "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"2.5\" fill=\"\(color)\"><title>\(Self.escape("\(labels[safe: index] ?? "") · \(series.name): \(format(value))"))</title></circle>"
            }
            svg += "<path class=\"line\" d=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"/>" + points
        }
        return svg
    }

    /// The next round number at or above `value` (1, 2 or 5 × a power of ten).
    func niceMaximum(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let power = pow(10, (log10(value)).rounded(.down))
        for step in [1.0, 2, 5, 10] where step * power >= value { return step * power }
        return 10 * power
    }

    /// A coordinate with one decimal, by integer arithmetic: a chart prints thousands of them, and `String(format:)`
    /// goes through Foundation's formatter each time.
    func f(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        guard tenths.isFinite, tenths.magnitude < 1e15 else { return "0.0" }
        let scaled = Int64(tenths)
        return (scaled < 0 ? "-" : "") + String(scaled.magnitude / 10) + "." + String(scaled.magnitude % 10)
    }

    static func escape(_ text: String) -> String { HTML.escape(text) }

    static func compact(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1_000_000 { return String(format: "%.1fM", value / 1_000_000) }
        if magnitude >= 10_000 { return String(format: "%.0fk", value / 1_000) }
        if magnitude >= 1_000 { return String(format: "%.1fk", value / 1_000) }
        if magnitude >= 10 || value == value.rounded() { return String(format: "%.0f", value) }
        return String(format: "%.2f", value)
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

/// HTML escaping for text Remit writes by hand (templates escape on their own).
enum HTML {
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
