/// A point of an x–y chart.
public struct ChartPoint: Sendable, Equatable, Codable {
    public var x: Double
    public var y: Double
    /// Shown in the tooltip (a layer, a method setting); may be empty.
    public var label: String
    /// An interval around y (a bootstrap interval of a probe's AUROC); a line whose every point
    /// has both is drawn with a shaded band between them.
    public var low: Double?
    public var high: Double?

    public init(x: Double, y: Double, label: String = "", low: Double? = nil, high: Double? = nil) {
        self.x = x
        self.y = y
        self.label = label
        self.low = low
        self.high = high
    }
}

/// A named series of points.
public struct ChartSeries: Sendable, Equatable {
    public var name: String
    public var points: [ChartPoint]

    public init(name: String, points: [ChartPoint]) {
        self.name = name
        self.points = points
    }
}

/// Lines through points (sorted by x), one per series, with a marker per point: AUROC of a probe
/// per layer, or a risk–coverage curve (`riskCoverage`).
public struct LineChart: Sendable {
    public var title: String
    public var series: [ChartSeries]
    public var xLabel: String
    public var yLabel: String
    /// Fixed y range (0…1 for AUROC); nil fits the data.
    public var yDomain: ClosedRange<Double>?
    public var xDomain: ClosedRange<Double>?
    public var percentY: Bool
    public var percentX: Bool
    /// A dashed reference line at this y (0.5 for AUROC: chance).
    public var reference: Double?
    var kind = "line"

    public init(title: String, series: [ChartSeries], xLabel: String, yLabel: String, yDomain: ClosedRange<Double>? = nil,
                xDomain: ClosedRange<Double>? = nil, percentY: Bool = false, percentX: Bool = false, reference: Double? = nil) {
        self.title = title
        self.series = series
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.yDomain = yDomain
        self.xDomain = xDomain
        self.percentY = percentY
        self.percentX = percentX
        self.reference = reference
    }

    /// AUROC of a probe per layer, with chance (0.5) marked.
    public static func aurocByLayer(_ series: [ChartSeries], title: String = "Probe AUROC by layer") -> LineChart {
        LineChart(title: title, series: series, xLabel: "layer", yLabel: "AUROC", yDomain: 0...1, reference: 0.5)
    }

    /// Risk (error rate among the answered) against coverage (share answered), as the confidence
    /// threshold sweeps: points are (coverage, risk).
    public static func riskCoverage(_ points: [ChartPoint], title: String = "Risk–coverage") -> LineChart {
        var chart = LineChart(title: title, series: [ChartSeries(name: "risk", points: points)], xLabel: "coverage",
                              yLabel: "risk (error rate)", yDomain: 0...max(0.0001, points.map(\.y).max() ?? 1), xDomain: 0...1,
                              percentY: true, percentX: true)
        chart.kind = "risk-coverage"
        return chart
    }

    public func svg() -> String {
        let points = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let frame = ChartFrame(width: 420, height: 280)
        let x = frame.x(xDomain ?? SVG.domain(points.map(\.x)))
        let y = frame.y(yDomain ?? SVG.domain(points.map(\.y)))
        var out = SVG.open(kind: kind, count: points.count, width: frame.width, height: frame.height, title: title)
        out += frame.axes(title: title, x: x, y: y, xLabel: xLabel, yLabel: yLabel, percent: percentY, xPercent: percentX)
        if let reference { out += SVG.line(x(x.domain.lowerBound), y(reference), x(x.domain.upperBound), y(reference), cssClass: "tk-reference") }
        for (s, line) in series.enumerated() {
            let sorted = line.points.filter { $0.x.isFinite && $0.y.isFinite }.sorted { $0.x < $1.x }
            // The band only when every point has an interval: a band with holes would suggest
            // certainty where the interval is simply unknown.
            let bounded = sorted.compactMap { p in p.low.flatMap { lo in p.high.map { (x: p.x, low: lo, high: $0) } } }
            if sorted.count > 1, bounded.count == sorted.count, bounded.allSatisfy({ $0.low.isFinite && $0.high.isFinite }) {
                let outline = bounded.map { "\(SVG.n(x($0.x))),\(SVG.n(y($0.high)))" } + bounded.reversed().map { "\(SVG.n(x($0.x))),\(SVG.n(y($0.low)))" }
                out += "<polygon class=\"tk-band tk-series-\(s % 6)\" points=\"\(outline.joined(separator: " "))\"><title>\(HTML.escape(line.name + ": 95% interval"))</title></polygon>"
            }
            let path = sorted.map { "\(SVG.n(x($0.x))),\(SVG.n(y($0.y)))" }.joined(separator: " ")
            out += "<polyline class=\"tk-line tk-series-\(s % 6)\" points=\"\(path)\"><title>\(HTML.escape(line.name))</title></polyline>"
            for p in sorted {
                var tip = "\(line.name)\(p.label.isEmpty ? "" : " " + p.label): \(xLabel) \(percentX ? ReportFormat.percent(p.x) : SVG.tickLabel(p.x, percent: false)), \(yLabel) \(percentY ? ReportFormat.percent(p.y) : String(format: "%.3f", p.y))"
                if let lo = p.low, let hi = p.high { tip += percentY ? " (\(ReportFormat.percent(lo))–\(ReportFormat.percent(hi)))" : String(format: " (%.3f–%.3f)", lo, hi) }
                out += "<circle class=\"tk-point tk-series-\(s % 6)\" cx=\"\(SVG.n(x(p.x)))\" cy=\"\(SVG.n(y(p.y)))\" r=\"3\"><title>\(HTML.escape(tip))</title></circle>"
            }
        }
        if series.count > 1 {
            for (s, line) in series.enumerated() {
                out += "<text class=\"tk-legend tk-series-\(s % 6)\" x=\"\(SVG.n(frame.width - frame.right - 4))\" y=\"\(SVG.n(frame.top + 12 + Double(s) * 13))\" text-anchor=\"end\">\(HTML.escape(line.name))</text>"
            }
        }
        return out + "</svg>"
    }
}

/// Points without lines: a metric against a cost (KV-cache bytes, compute) for each method
/// setting, so the Pareto trade-off is visible.
public struct ScatterChart: Sendable {
    public var title: String
    public var points: [ChartPoint]
    public var xLabel: String
    public var yLabel: String
    public var percentY: Bool

    public init(title: String, points: [ChartPoint], xLabel: String, yLabel: String, percentY: Bool = true) {
        self.title = title
        self.points = points
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.percentY = percentY
    }

    public func svg() -> String {
        let shown = points.filter { $0.x.isFinite && $0.y.isFinite }
        let frame = ChartFrame(width: 420, height: 280)
        let x = frame.x(SVG.domain(shown.map(\.x))), y = frame.y(SVG.domain(shown.map(\.y)))
        var out = SVG.open(kind: "scatter", count: shown.count, width: frame.width, height: frame.height, title: title)
        out += frame.axes(title: title, x: x, y: y, xLabel: xLabel, yLabel: yLabel, percent: percentY, xPercent: false)
        for p in shown {
            let tip = "\(p.label): \(xLabel) \(SVG.tickLabel(p.x, percent: false)), \(yLabel) \(percentY ? ReportFormat.percent(p.y) : String(format: "%.3f", p.y))"
            out += "<circle class=\"tk-point\" cx=\"\(SVG.n(x(p.x)))\" cy=\"\(SVG.n(y(p.y)))\" r=\"4\"><title>\(HTML.escape(tip))</title></circle>"
            if !p.label.isEmpty { out += SVG.text(p.label, x: x(p.x) + 6, y: y(p.y) - 5, cssClass: "tk-point-label") }
        }
        return out + "</svg>"
    }
}
