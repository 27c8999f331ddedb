import Foundation
import TKConsole
import TKEvalCore
import TKEvaluation
import TKMetrics

/// One audit run's results: every metric overall and per category with bootstrap intervals, how
/// many items were scored and how many were left out (and why). `--json` prints it in the house
/// convention (snake_case keys); `exact_match` is repeated at the top level when the task has it.
public struct AuditReport: Encodable, Sendable {
    public var task: String
    public var model: ModelIdentity
    public var settings: [String: String]
    public var n: Int
    public var exactMatch: MetricEstimate?
    public var metrics: [String: MetricEstimate]
    public var byCategory: [String: [String: MetricEstimate]]
    /// Reason → items left out before the run.
    public var excluded: [String: Int]
    public var runId: Int64
    public var seconds: Double
    public var headline: [String]
    /// Task-specific figures (a consistency run's agreement rule, a holdout's tests).
    public var extra: [String: Double]

    /// Summarises a finished (or `--limit`ed) evaluation of `task`.
    public init<T: EvaluationTask>(_ task: T, outcome: EvaluationOutcome<T.Result>, model: ModelIdentity,
                                   excluded: [String: Int] = [:], extra: [String: Double] = [:],
                                   bootstrap: Bootstrap = Bootstrap()) throws {
        let summary = try task.summarize(outcome.results, bootstrap: bootstrap)
        self.task = task.name
        self.model = model
        self.settings = outcome.key.settings
        self.n = summary.itemCount
        self.exactMatch = summary.metrics["exact_match"]
        self.metrics = summary.metrics
        self.byCategory = summary.byCategory
        self.excluded = excluded
        self.runId = outcome.runID
        self.seconds = outcome.seconds
        self.headline = task.headline
        self.extra = extra
    }

    /// Headline metrics overall and per category, then exclusions and the run.
    public func table() -> String {
        func pct(_ e: MetricEstimate?) -> String {
            guard let e else { return "-" }
            return String(format: "%.1f%% [%.1f, %.1f]", e.mean * 100, e.lower * 100, e.upper * 100)
        }
        let shown = headline.filter { metrics[$0] != nil }
        var t = TextTable(columns: [.init("group"), .init("n", alignment: .right)] + shown.map { .init($0) })
        t.addRow(["overall", String(n)] + shown.map { pct(metrics[$0]) })
        for (category, m) in byCategory.sorted(by: { $0.key < $1.key }) {
            t.addRow(["  " + category, String(m[shown.first ?? ""]?.count ?? 0)] + shown.map { pct(m[$0]) })
        }
        var lines = [task, t.render()]
        if !excluded.isEmpty {
            lines.append("left out: " + excluded.sorted { $0.key < $1.key }.map { "\($0.value) (\($0.key))" }.joined(separator: ", "))
        }
        for (k, v) in extra.sorted(by: { $0.key < $1.key }) { lines.append("\(k): \(v)") }
        lines.append("model \(model.name), run \(runId), \(String(format: "%.1f", seconds)) s")
        return lines.joined(separator: "\n")
    }
}
