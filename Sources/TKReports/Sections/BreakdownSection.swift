import TKMetrics

/// Per-category and per-type bars for a run's headline metrics (MC1/MC2/MC3 for TruthfulQA),
/// sorted from best to worst, each with its bootstrap interval.
public struct BreakdownSection: ReportSection {
    public var snapshot: RunSnapshot
    public var id: String { "breakdown-\(snapshot.run.id)" }
    public var title: String { "Run \(snapshot.run.id) by category and type" }

    public init(_ snapshot: RunSnapshot) { self.snapshot = snapshot }

    /// The metrics broken down: up to three headline metrics the groups have.
    var metrics: [String] { Array(snapshot.headline.prefix(3)) }

    /// Bars for one metric over groups, best first (ties by name).
    static func bars(_ groups: [String: [String: MetricEstimate]], metric: String) -> [IntervalBar] {
        groups.compactMap { name, metrics in
            metrics[metric].map { IntervalBar(label: name, value: $0.mean, lower: $0.lower, upper: $0.upper, count: $0.count) }
        }.sorted { $0.value != $1.value ? $0.value > $1.value : $0.label < $1.label }
    }

    public func html() -> String {
        guard let summary = snapshot.summary else { return "<p>No scored items yet.</p>" }
        var out = ""
        for metric in metrics {
            let percent = ReportFormat.isFraction(metric)
            let byType = Self.bars(summary.byType, metric: metric)
            if !byType.isEmpty {
                out += "<div class=\"tk-figure\">" + IntervalBarChart(title: "\(MetricLabel.of(metric)) by type", bars: byType, percent: percent).svg() + "</div>"
            }
            let byCategory = Self.bars(summary.byCategory, metric: metric)
            if !byCategory.isEmpty {
                out += "<div class=\"tk-figure\">" + IntervalBarChart(title: "\(MetricLabel.of(metric)) by category", bars: byCategory, percent: percent).svg() + "</div>"
            }
        }
        return out.isEmpty ? "<p>The items carry no category or type.</p>" : out
    }
}
