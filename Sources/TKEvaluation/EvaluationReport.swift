import Foundation
import TKConsole
import TKEvalCore
import TKMetrics

/// The results JSON of an evaluation: `{"schema_version","task","model","settings","metrics",
/// "intervals","by_category","by_type",…}`, metrics as fractions 0–1 with bootstrap 95% intervals.
/// Written by `--json` and as `results.json`, and stored as a finished run's summary.
public struct EvaluationReport: Encodable, Sendable {
    /// Bumped when a field changes meaning or is removed (adding one does not bump it).
    public static let schemaVersion = 2

    public struct Tokens: Encodable, Sendable {
        public var computed: Int
        public var fromScratch: Int
        public var seconds: Double
        public var itemsScored: Int

        public init(computed: Int, fromScratch: Int, seconds: Double, itemsScored: Int) {
            self.computed = computed
            self.fromScratch = fromScratch
            self.seconds = seconds
            self.itemsScored = itemsScored
        }
    }

    public var task: String
    public var model: ModelIdentity
    public var settings: [String: String]
    public var summary: MetricsSummary
    public var runID: Int64
    public var tokens: Tokens
    /// The metrics the terminal table shows, in order (the first is the headline).
    public var headline: [String]
    /// Extra top-level fields a task adds (e.g. judge counts).
    public var extra: [String: Double] = [:]

    public init(task: String, model: ModelIdentity, settings: [String: String], summary: MetricsSummary, runID: Int64,
                tokens: Tokens, headline: [String], extra: [String: Double] = [:]) {
        self.task = task
        self.model = model
        self.settings = settings
        self.summary = summary
        self.runID = runID
        self.tokens = tokens
        self.headline = headline
        self.extra = extra
    }

    enum CodingKeys: String, CodingKey {
        case schema_version, task, model, settings, metrics, by_category, by_type, items, run_id, tokens, intervals, headline, extra
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.schemaVersion, forKey: .schema_version)
        try c.encode(task, forKey: .task)
        try c.encode(model, forKey: .model)
        try c.encode(settings, forKey: .settings)
        try c.encode(summary.metrics.mapValues(\.mean), forKey: .metrics)
        try c.encode(summary.metrics, forKey: .intervals)
        try c.encode(summary.byCategory, forKey: .by_category)
        try c.encode(summary.byType, forKey: .by_type)
        try c.encode(summary.itemCount, forKey: .items)
        try c.encode(runID, forKey: .run_id)
        try c.encode(tokens, forKey: .tokens)
        try c.encode(headline, forKey: .headline)
        if !extra.isEmpty { try c.encode(extra, forKey: .extra) }
    }

    /// Writes `items.jsonl` (one item result per line) and `results.json` into `directory`.
    public func write<R: Encodable>(results: [R], to directory: String) throws {
        try OutputJSON.write(results: results, summary: self, summaryName: "results.json", to: directory)
    }

    /// Display name of a metric in the table header.
    public static func label(_ metric: String) -> String {
        switch metric {
        case MetricName.mc1: "MC1"
        case MetricName.mc2: "MC2"
        case MetricName.mc3: "MC3"
        case MetricName.binary: "binary"
        default: metric
        }
    }

    public func table() -> String {
        func pct(_ e: MetricEstimate?) -> String {
            guard let e else { return "-" }
            return String(format: "%.1f%% [%.1f, %.1f]", e.mean * 100, e.lower * 100, e.upper * 100)
        }
        let shown = headline.filter { summary.metrics[$0] != nil }
        var t = TextTable(columns: [.init("group"), .init("n", alignment: .right)] + shown.map { .init(Self.label($0)) })
        let countMetric = shown.first ?? MetricName.mc2
        t.addRow(["overall", String(summary.itemCount)] + shown.map { pct(summary.metrics[$0]) })
        for (type, m) in summary.byType.sorted(by: { $0.key < $1.key }) {
            t.addRow([type, String(m[countMetric]?.count ?? 0)] + shown.map { pct(m[$0]) })
        }
        for (category, m) in summary.byCategory.sorted(by: { $0.key < $1.key }) {
            t.addRow(["  " + category, String(m[countMetric]?.count ?? 0)] + shown.map { pct(m[$0]) })
        }
        var lines = [t.render(), "model \(model.name) (\(model.fingerprint.prefix(19))…), run \(runID)"]
        if let ties = summary.metrics[MetricName.mc1Ties] {
            lines[1] += String(format: "; MC1 ties: %.1f%%", ties.mean * 100)
        }
        if tokens.computed > 0 && tokens.fromScratch > 0 {
            let saving = tokens.fromScratch > 0 ? String(format: " (%.1f× fewer)", Double(tokens.fromScratch) / Double(tokens.computed)) : ""
            lines.append("tokens computed \(tokens.computed) vs \(tokens.fromScratch) from scratch\(saving)")
        }
        lines.append("\(tokens.itemsScored) items scored in \(String(format: "%.1f", tokens.seconds)) s")
        for (k, v) in extra.sorted(by: { $0.key < $1.key }) { lines.append("\(k): \(v)") }
        return lines.joined(separator: "\n")
    }
}
