/// The plot area of an x–y chart (margins for tick labels and axis titles) and its axes.
struct ChartFrame {
    var width: Double
    var height: Double
    var left = 52.0, right = 14.0, top = 28.0, bottom = 40.0

    func x(_ domain: ClosedRange<Double>) -> SVG.Scale { SVG.Scale(domain: domain, from: left, to: width - right) }
    func y(_ domain: ClosedRange<Double>) -> SVG.Scale { SVG.Scale(domain: domain, from: height - bottom, to: top) }

    /// Title, grid lines with tick labels on both axes, and the axis titles.
    func axes(title: String, x: SVG.Scale, y: SVG.Scale, xLabel: String, yLabel: String, percent: Bool, xPercent: Bool? = nil) -> String {
        var out = SVG.text(title, x: 4, y: 16, cssClass: "tk-chart-title")
        for t in SVG.ticks(x.domain) {
            out += SVG.line(x(t), top, x(t), height - bottom, cssClass: "tk-grid")
            out += SVG.text(SVG.tickLabel(t, percent: xPercent ?? percent), x: x(t), y: height - bottom + 14, anchor: "middle", cssClass: "tk-tick")
        }
        for t in SVG.ticks(y.domain) {
            out += SVG.line(left, y(t), width - right, y(t), cssClass: "tk-grid")
            out += SVG.text(SVG.tickLabel(t, percent: percent), x: left - 4, y: y(t) + 4, anchor: "end", cssClass: "tk-tick")
        }
        out += SVG.text(xLabel, x: (left + width - right) / 2, y: height - 6, anchor: "middle", cssClass: "tk-axis-title")
        out += SVG.text(yLabel, x: 12, y: (top + height - bottom) / 2, anchor: "middle", cssClass: "tk-axis-title", rotate: true)
        return out
    }
}
