import Foundation
import TKConsole
import TKMetrics

/// What `truthkit sweep` prints and writes as JSON: per engine setting, the task's headline metrics
/// with bootstrap intervals and the paired difference to the baseline, against KV bytes per token
/// and the fraction of layer compute used.
public struct TradeoffReport: Encodable, Sendable {
    public struct Row: Encodable, Sendable {
        public var label: String
        public var settings: [String: String]
        public var kvBytesPerToken: Double
        public var layerFraction: Double
        public var metrics: [String: MetricEstimate]
        /// Metric → this setting − baseline, paired by item, with a bootstrap interval.
        public var difference: [String: PairedDifference]
        public var runIds: [Int64]
        /// Wall time of this setting's part of the sweep (nil for the baseline row).
        public var seconds: Double?

        init(setting: SweepSetting, metrics: [String: MetricEstimate], runIds: [Int64],
             difference: [String: PairedDifference], seconds: Double?) {
            label = setting.label
            settings = setting.settings
            kvBytesPerToken = setting.kvBytesPerToken
            layerFraction = setting.layerFraction
            self.metrics = metrics
            self.difference = difference
            self.runIds = runIds
            self.seconds = seconds
        }
    }

    public var schemaVersion = EvaluationReport.schemaVersion
    public var task: String
    /// The metrics reported, in order (the task's headline metrics).
    public var metrics: [String]
    public var items: Int
    public var baseline: Row
    public var rows: [Row]
    public var seconds: Double

    public func table() -> String {
        let shown = metrics.filter { m in baseline.metrics[m] != nil }
        var columns: [TextTable.Column] = [.init("setting"), .init("KV bytes/token", alignment: .right), .init("layers", alignment: .right)]
        for m in shown {
            columns.append(.init(EvaluationReport.label(m) + " [95% CI]", alignment: .right))
            columns.append(.init("Δ " + EvaluationReport.label(m) + " [95% CI]", alignment: .right))
        }
        columns.append(.init("time", alignment: .right))
        var t = TextTable(columns: columns)
        // The unchanged engine's row is the baseline's own run; show it once.
        let shownRows = rows.contains { $0.runIds == baseline.runIds } ? rows : [baseline] + rows
        for row in shownRows {
            let isBaseline = row.runIds == baseline.runIds
            var cells = [row.label + (isBaseline ? " (baseline)" : ""),
                         String(format: "%.0f", row.kvBytesPerToken), String(format: "%.0f%%", row.layerFraction * 100)]
            for m in shown {
                if let e = row.metrics[m] {
                    cells.append(String(format: "%.1f%% [%.1f, %.1f]", e.mean * 100, e.lower * 100, e.upper * 100))
                } else {
                    cells.append("–")
                }
                if let d = row.difference[m] {
                    cells.append(String(format: "%+.1f [%+.1f, %+.1f]", d.meanDifference * 100, d.lower * 100, d.upper * 100))
                } else {
                    cells.append("–")
                }
            }
            cells.append(row.seconds.map { String(format: "%.0fs", $0) } ?? "")
            t.addRow(cells)
        }
        return t.render() + "\n\(task) on \(items) items; Δ: paired difference to the baseline (percentage points); total \(String(format: "%.0f", seconds))s"
    }
}
