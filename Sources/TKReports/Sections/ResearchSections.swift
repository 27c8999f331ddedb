import TKCalibration

/// Calibration of a run's confidences: the reliability diagram (per bin: mean confidence, accuracy,
/// count) and, when given, the risk–coverage curve (coverage, risk) of answering only above a
/// confidence threshold.
///
/// With a `summary` (a stored run's, from `MultipleChoiceCalibration`) the numbers shown are the
/// library's, so the page says exactly what `truthkit calibrate` says; without one (fixture arrays)
/// the expected calibration error is recomputed from the bins so the number matches the drawing.
public struct CalibrationSection: ReportSection {
    public var id: String
    public var title: String
    public var bins: [ReliabilityBin]
    public var riskCoverage: [ChartPoint]
    public var summary: CalibrationSummary?
    /// What the confidence and the outcome are, in words (shown above the numbers).
    public var note: String?

    public init(id: String = "calibration", title: String = "Calibration", bins: [ReliabilityBin], riskCoverage: [ChartPoint] = [],
                summary: CalibrationSummary? = nil, note: String? = nil) {
        self.id = id
        self.title = title
        self.bins = bins
        self.riskCoverage = riskCoverage
        self.summary = summary
        self.note = note
    }

    /// ECE over the bins: Σ (count/total) · |accuracy − confidence|.
    public var expectedCalibrationError: Double {
        let total = bins.reduce(0) { $0 + $1.count }
        guard total > 0 else { return 0 }
        return bins.reduce(0) { $0 + Double($1.count) / Double(total) * abs($1.accuracy - $1.confidence) }
    }

    public func html() -> String {
        var out = ""
        if let note { out += "<p class=\"tk-small\">\(HTML.escape(note))</p>" }
        if let summary {
            out += "<p>\(summary.n) items, \(summary.binCount) \(summary.scheme.rawValue) bins; accuracy \(ReportFormat.percent(summary.accuracy)), mean confidence \(ReportFormat.percent(summary.meanConfidence)).</p>"
            func value(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "-" }
            func interval(_ key: String) -> String { summary.intervals[key].map { String(format: "%.4f–%.4f", $0.lower, $0.upper) } ?? "-" }
            let rows: [(name: String, key: String, value: Double?)] = [
                ("ECE", "ece", summary.ece), ("Brier", "brier", summary.brier), ("AUROC", "auroc", summary.auroc), ("AURC", "aurc", summary.aurc),
            ]
            out += HTML.table(header: ["metric", "value", "95% interval"],
                              rows: rows.map { [HTML.Cell.text($0.name), .number(value($0.value)), .number(interval($0.key))] },
                              cssClass: "tk-table tk-calibration-metrics")
        } else {
            out += "<p>Expected calibration error \(ReportFormat.percent(expectedCalibrationError)) over \(bins.reduce(0) { $0 + $1.count }) items in \(bins.filter { $0.count > 0 }.count) non-empty bins.</p>"
        }
        out += "<div class=\"tk-figure\">" + ReliabilityDiagram(bins: bins).svg() + "</div>"
        if !riskCoverage.isEmpty { out += "<div class=\"tk-figure\">" + LineChart.riskCoverage(riskCoverage).svg() + "</div>" }
        return out
    }
}

/// Probe results: AUROC per layer, one line per probe or data split (in-distribution and
/// out-of-distribution side by side, as the probe literature asks).
public struct ProbeSection: ReportSection {
    public var id: String
    public var title: String
    public var series: [ChartSeries]

    public init(id: String = "probes", title: String = "Probes: AUROC by layer", series: [ChartSeries]) {
        self.id = id
        self.title = title
        self.series = series
    }

    public func html() -> String {
        var out = "<div class=\"tk-figure\">" + LineChart.aurocByLayer(series).svg() + "</div>"
        for line in series {
            if let best = line.points.max(by: { $0.y < $1.y }) {
                out += "<p>\(HTML.escape(line.name)): best AUROC \(String(format: "%.3f", best.y)) at layer \(SVG.tickLabel(best.x, percent: false)).</p>"
            }
        }
        return out
    }
}

/// An efficiency sweep: a metric against a cost (KV-cache bytes, compute) per method setting.
public struct TradeOffSection: ReportSection {
    public var id: String
    public var title: String
    public var points: [ChartPoint]
    public var costLabel: String
    public var metricLabel: String

    public init(id: String = "trade-off", title: String = "Trade-off", points: [ChartPoint], costLabel: String, metricLabel: String) {
        self.id = id
        self.title = title
        self.points = points
        self.costLabel = costLabel
        self.metricLabel = metricLabel
    }

    public func html() -> String {
        var out = "<div class=\"tk-figure\">" + ScatterChart(title: "\(metricLabel) against \(costLabel)", points: points, xLabel: costLabel, yLabel: metricLabel).svg() + "</div>"
        out += HTML.table(header: ["setting", costLabel, metricLabel], rows: points.map {
            [.text($0.label), .number(String(format: "%g", $0.x)), .number(ReportFormat.percent($0.y))]
        })
        return out
    }
}
