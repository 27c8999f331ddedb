/// A run's headline metrics with bootstrap intervals, what a reader must know first (in progress,
/// failed, empty), and its provenance: model file and fingerprint, data checksum, settings, times.
public struct HeadlineSection: ReportSection {
    public var snapshot: RunSnapshot
    public var id: String { "run-\(snapshot.run.id)" }
    public var title: String { "Run \(snapshot.run.id): \(snapshot.run.key.modelName) on \(snapshot.run.key.task)" }

    public init(_ snapshot: RunSnapshot) { self.snapshot = snapshot }

    public func html() -> String {
        var out = snapshot.notes.map { "<p class=\"tk-notice\">\(HTML.escape($0))</p>" }.joined()
        if let summary = snapshot.summary {
            out += "<div class=\"tk-headline\">"
            for name in snapshot.headline {
                guard let e = summary.metrics[name] else { continue }
                out += "<div class=\"tk-metric\" data-metric=\"\(HTML.escape(name))\" data-mean=\"\(e.mean)\"><div class=\"tk-metric-name\">\(HTML.escape(MetricLabel.of(name)))</div>"
                    + "<div class=\"tk-metric-value\">\(HTML.escape(ReportFormat.metric(name, e.mean)))</div>"
                    + "<div class=\"tk-metric-ci\">95% CI \(HTML.escape(ReportFormat.metric(name, e.lower)))–\(HTML.escape(ReportFormat.metric(name, e.upper))) · n=\(e.count)</div></div>"
            }
            out += "</div>"
            let others = summary.metrics.keys.sorted().filter { !snapshot.headline.contains($0) }
            if !others.isEmpty {
                out += "<details><summary>All metrics</summary>"
                out += HTML.table(header: ["metric", "mean", "95% interval", "n"], rows: (snapshot.headline + others).compactMap { name in
                    summary.metrics[name].map { e in
                        [.text(name), .number(ReportFormat.metric(name, e.mean)),
                         .number("\(ReportFormat.metric(name, e.lower))–\(ReportFormat.metric(name, e.upper))"), .number(String(e.count))]
                    }
                })
                out += "</details>"
            }
            out += "<p class=\"tk-small\">Intervals: percentile bootstrap over items, \(summary.bootstrap.resamples) resamples, seed \(summary.bootstrap.seed).</p>"
        }
        out += "<details class=\"tk-provenance\"><summary>Provenance</summary>"
        out += HTML.table(header: ["", ""], rows: snapshot.provenance.map { [.text($0.name), .text($0.value)] })
        out += "</details>"
        return out
    }
}

/// Display names of metrics (MC1, MC2 …); everything else as stored.
enum MetricLabel {
    static func of(_ name: String) -> String {
        switch name {
        case "mc1": "MC1"
        case "mc2": "MC2"
        case "mc3": "MC3"
        case "lettered_mc1": "lettered MC1"
        case "truthful_informative": "truthful & informative"
        default: name
        }
    }
}
