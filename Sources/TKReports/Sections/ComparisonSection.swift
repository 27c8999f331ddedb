/// Two runs side by side: each metric's means and the paired difference (second − first) with its
/// paired-bootstrap interval, then the difference per category for the headline metric.
public struct ComparisonSection: ReportSection {
    public var comparison: RunComparison
    public var id: String { "compare-\(comparison.firstRun)-\(comparison.secondRun)" }
    public var title: String { "Run \(comparison.secondRun) against run \(comparison.firstRun)" }

    public init(_ comparison: RunComparison) { self.comparison = comparison }

    public func html() -> String {
        let c = comparison
        var out = "<p>Paired by item over the \(c.sharedItems) items both runs scored"
            + (c.unpairedItems > 0 ? " (\(c.unpairedItems) items only one run has are left out)" : "")
            + "; difference = run \(c.secondRun) − run \(c.firstRun), 95% paired-bootstrap interval (\(c.bootstrap.resamples) resamples).</p>"
        out += Self.table(c.metrics, first: "run \(c.firstRun)", second: "run \(c.secondRun)")
        return out + Self.charts(c)
    }

    /// The forest plots: every 0–1 metric's difference, then the headline metric's per category.
    static func charts(_ c: RunComparison) -> String {
        var out = ""
        let fractions = c.metrics.filter { ReportFormat.isFraction($0.metric) }
        if !fractions.isEmpty {
            out += "<div class=\"tk-figure\">" + IntervalBarChart(title: "Difference per metric (percentage points)",
                                                                 bars: fractions.map(Self.bar), style: .difference).svg() + "</div>"
        }
        if let headline = c.metrics.first?.metric {
            let bars = c.byCategory.compactMap { group in
                group.rows.first { $0.metric == headline }.map { row in
                    var bar = Self.bar(row)
                    bar.label = group.category
                    return bar
                }
            }.sorted { $0.value != $1.value ? $0.value > $1.value : $0.label < $1.label }
            if !bars.isEmpty {
                out += "<div class=\"tk-figure\">" + IntervalBarChart(title: "\(MetricLabel.of(headline)) difference by category", bars: bars,
                                                                     style: .difference, percent: ReportFormat.isFraction(headline)).svg() + "</div>"
            }
        }
        return out
    }

    static func bar(_ row: RunComparison.Row) -> IntervalBar {
        IntervalBar(label: MetricLabel.of(row.metric), value: row.difference.meanDifference, lower: row.difference.lower,
                    upper: row.difference.upper, count: row.difference.count)
    }

    static func table(_ rows: [RunComparison.Row], first: String, second: String) -> String {
        HTML.table(header: ["metric", first, second, "difference [95% CI]", "n"], rows: rows.map { row in
            let d = row.difference
            let fraction = ReportFormat.isFraction(row.metric)
            let diff = fraction ? "\(ReportFormat.points(d.meanDifference)) [\(ReportFormat.points(d.lower)), \(ReportFormat.points(d.upper))] pts"
                : String(format: "%+.2f [%+.2f, %+.2f]", d.meanDifference, d.lower, d.upper)
            let mark = d.excludesZero ? (d.meanDifference > 0 ? " tk-up" : " tk-down") : ""
            return [.text(MetricLabel.of(row.metric)), .number(ReportFormat.metric(row.metric, row.first)),
                    .number(ReportFormat.metric(row.metric, row.second)),
                    .raw("<span class=\"tk-diff\(mark)\">\(HTML.escape(diff))</span>"), .number(String(d.count))]
        })
    }
}
