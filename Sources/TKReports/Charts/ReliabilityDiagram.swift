import TKCalibration

/// A reliability diagram: one bar per non-empty bin at its mean confidence, its height the bin's
/// accuracy, against the diagonal of perfect calibration; bar opacity grows with the bin's share
/// of items, so a nearly empty bin does not look as sure as a full one.
public struct ReliabilityDiagram: Sendable {
    public var title: String
    public var bins: [ReliabilityBin]

    public init(title: String = "Reliability diagram", bins: [ReliabilityBin]) {
        self.title = title
        self.bins = bins
    }

    public func svg() -> String {
        let shown = bins.filter { $0.count > 0 }
        let frame = ChartFrame(width: 360, height: 300)
        let x = frame.x(0...1), y = frame.y(0...1)
        var out = SVG.open(kind: "reliability", count: shown.count, width: frame.width, height: frame.height, title: title)
        out += frame.axes(title: title, x: x, y: y, xLabel: "confidence", yLabel: "accuracy", percent: true)
        out += SVG.line(x(0), y(0), x(1), y(1), cssClass: "tk-diagonal")
        let total = max(1, shown.reduce(0) { $0 + $1.count })
        let width = (x(1) - x(0)) / Double(max(shown.count, 10)) * 0.9
        for bin in shown {
            let opacity = 0.35 + 0.65 * Double(bin.count) / Double(total)
            out += "<rect class=\"tk-bar\" x=\"\(SVG.n(x(bin.confidence) - width / 2))\" y=\"\(SVG.n(y(bin.accuracy)))\" width=\"\(SVG.n(width))\" height=\"\(SVG.n(y(0) - y(bin.accuracy)))\" fill-opacity=\"\(SVG.n(opacity))\"><title>\(HTML.escape("confidence \(ReportFormat.percent(bin.confidence)), accuracy \(ReportFormat.percent(bin.accuracy)), n=\(bin.count)"))</title></rect>"
        }
        return out + "</svg>"
    }
}
