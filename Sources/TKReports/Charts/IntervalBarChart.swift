/// One bar: a group's mean with its interval, or a paired difference with its interval.
public struct IntervalBar: Sendable, Equatable {
    public var label: String
    public var value: Double
    public var lower: Double
    public var upper: Double
    /// Items behind the number, shown in the tooltip.
    public var count: Int

    public init(label: String, value: Double, lower: Double, upper: Double, count: Int) {
        self.label = label
        self.value = value
        self.lower = lower
        self.upper = upper
        self.count = count
    }
}

/// Horizontal bars with interval whiskers, one row per group, in the order given (callers sort).
///
/// Two styles: `.level` draws bars from the axis's zero (a metric per category, 0–100%), and
/// `.difference` draws a forest plot around zero (a paired difference per category), colouring
/// the intervals that exclude zero.
public struct IntervalBarChart: Sendable {
    public enum Style: Sendable { case level, difference }

    public var title: String
    public var bars: [IntervalBar]
    public var style: Style
    /// Values are fractions shown as percentages.
    public var percent: Bool

    public init(title: String, bars: [IntervalBar], style: Style = .level, percent: Bool = true) {
        self.title = title
        self.bars = bars
        self.style = style
        self.percent = percent
    }

    public func svg() -> String {
        let rowHeight = 18.0, labelWidth = 230.0, plotWidth = 420.0, top = 28.0, bottom = 26.0
        let height = top + Double(max(bars.count, 1)) * rowHeight + bottom
        let values = bars.flatMap { [$0.lower, $0.upper, $0.value] }
        let domain: ClosedRange<Double> = switch style {
        case .level: percent ? 0...max(1, values.max() ?? 1) : SVG.domain(values, including: [0])
        case .difference: SVG.domain(values, including: [0])
        }
        let x = SVG.Scale(domain: domain, from: labelWidth, to: labelWidth + plotWidth)
        var out = SVG.open(kind: style == .level ? "bars" : "differences", count: bars.count,
                           width: labelWidth + plotWidth + 20, height: height, title: title)
        out += SVG.text(title, x: 4, y: 16, cssClass: "tk-chart-title")
        let axisY = top + Double(bars.count) * rowHeight
        for t in SVG.ticks(domain) {
            out += SVG.line(x(t), top - 4, x(t), axisY, cssClass: t == 0 ? "tk-zero" : "tk-grid")
            out += SVG.text(SVG.tickLabel(t, percent: percent), x: x(t), y: axisY + 14, anchor: "middle", cssClass: "tk-tick")
        }
        for (i, bar) in bars.enumerated() {
            let y = top + Double(i) * rowHeight
            let shown = percent ? "\(ReportFormat.percent(bar.value)) [\(ReportFormat.percent(bar.lower)), \(ReportFormat.percent(bar.upper))]"
                : String(format: "%.3f [%.3f, %.3f]", bar.value, bar.lower, bar.upper)
            let tooltip = "<title>\(HTML.escape("\(bar.label): \(shown), n=\(bar.count)"))</title>"
            out += SVG.text(bar.label, x: labelWidth - 6, y: y + rowHeight * 0.7, anchor: "end")
            switch style {
            case .level:
                let x0 = x(max(domain.lowerBound, 0))
                out += "<rect class=\"tk-bar\" data-value=\"\(bar.value)\" x=\"\(SVG.n(x0))\" y=\"\(SVG.n(y + 3))\" width=\"\(SVG.n(max(0, x(bar.value) - x0)))\" height=\"\(SVG.n(rowHeight - 6))\">\(tooltip)</rect>"
            case .difference:
                let significant = bar.lower > 0 || bar.upper < 0
                out += "<circle class=\"tk-bar tk-point\(significant ? (bar.value > 0 ? " tk-up" : " tk-down") : "")\" data-value=\"\(bar.value)\" cx=\"\(SVG.n(x(bar.value)))\" cy=\"\(SVG.n(y + rowHeight / 2))\" r=\"4\">\(tooltip)</circle>"
            }
            out += SVG.line(x(bar.lower), y + rowHeight / 2, x(bar.upper), y + rowHeight / 2, cssClass: "tk-interval")
        }
        return out + "</svg>"
    }
}
