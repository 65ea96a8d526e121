import Mustache

/// One dashboard page as data: the template draws it.
struct DashboardPage: Sendable {
    struct Tile: Sendable {
        var id: String
        var label: String
        var value: String
    }

    struct Chart: Sendable {
        var id: String
        var heading: String
        var caption: String
        var chart: SVGChart
    }

    struct Column: Sendable {
        var name: String
        var numeric = false
    }

    struct Cell: Sendable {
        var text: String
        var style: String?
        var href: String?

        init(_ text: String, style: String? = nil, href: String? = nil) {
            self.text = text
            self.style = style
            self.href = href
        }

        static func number(_ text: String) -> Cell { Cell(text, style: "num") }
    }

    struct Table: Sendable {
        var id: String
        var caption: String
        var columns: [Column]
        var rows: [[Cell]]
        var empty = "no data yet"
    }

    var title: String
    var freshness: String
    var tiles: [Tile] = []
    var charts: [Chart] = []
    var tables: [Table] = []

    /// The values the template reads.
    var context: [String: Any] {
        [
            "title": title, "freshness": freshness, "hasTiles": !tiles.isEmpty, "hasCharts": !charts.isEmpty,
            "tiles": tiles.map { ["id": $0.id, "label": $0.label, "value": $0.value] },
            "charts": charts.map { ["id": $0.id, "heading": $0.heading, "caption": $0.caption, "svg": $0.chart.render(id: $0.id)] },
            "tables": tables.map { table -> [String: Any] in
                [
                    "id": table.id, "caption": table.caption, "width": table.columns.count, "empty": table.empty,
                    "columns": table.columns.map { ["name": $0.name, "numeric": $0.numeric] },
                    "rows": table.rows.map(RowContext.init),
                ]
            },
        ]
    }
}

// Table rows and cells are most of what a page renders. As typed parents, Mustache reads their keys with one
// switch; as `[String: Any]` each lookup went through conditional-conformance casts (most of a page's render time).
// Every key the cell template asks for answers (false when unset): a missing key would send Mustache up the
// whole context stack.
struct RowContext: MustacheParent {
    let cells: [DashboardPage.Cell]

    init(_ cells: [DashboardPage.Cell]) { self.cells = cells }

    func child(named name: String) -> Any? { name == "cells" ? cells : nil }
}

extension DashboardPage.Cell: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "text": text
        case "style": style ?? false
        case "href": href ?? false
        default: nil
        }
    }
}
