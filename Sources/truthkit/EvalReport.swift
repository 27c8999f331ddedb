import Foundation
import TKConsole
import TKEvalCore
import TKMetrics

/// The results JSON of an evaluation: `{"task","model","settings","metrics","by_category","by_type",…}`,
/// metrics as fractions 0–1 with bootstrap 95% intervals.
struct EvalReport: Encodable {
    struct Tokens: Encodable {
        var computed: Int
        var from_scratch: Int
        var seconds: Double
        var items_scored: Int
    }

    var task: String
    var model: ModelIdentity
    var settings: [String: String]
    var summary: MetricsSummary
    var run_id: Int64
    var tokens: Tokens
    /// The metrics the terminal table shows, in order (the first is the headline).
    var headline: [String]
    /// Extra top-level fields a task adds (e.g. judge counts).
    var extra: [String: Double] = [:]

    enum CodingKeys: String, CodingKey {
        case task, model, settings, metrics, by_category, by_type, items, run_id, tokens, intervals, headline, extra
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(task, forKey: .task)
        try c.encode(model, forKey: .model)
        try c.encode(settings, forKey: .settings)
        try c.encode(summary.metrics.mapValues(\.mean), forKey: .metrics)
        try c.encode(summary.metrics, forKey: .intervals)
        try c.encode(summary.byCategory, forKey: .by_category)
        try c.encode(summary.byType, forKey: .by_type)
        try c.encode(summary.itemCount, forKey: .items)
        try c.encode(run_id, forKey: .run_id)
        try c.encode(tokens, forKey: .tokens)
        try c.encode(headline, forKey: .headline)
        if !extra.isEmpty { try c.encode(extra, forKey: .extra) }
    }

    /// Writes `items.jsonl` (one stored item result per line) and `results.json` into `directory`.
    func write<R: Encodable>(results: [R], to directory: String, encoder: JSONEncoder) throws {
        let dir = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var lines = Data()
        for r in results {
            lines.append(try encoder.encode(r))
            lines.append(0x0A)
        }
        try lines.write(to: dir.appendingPathComponent("items.jsonl"), options: .atomic)
        let pretty = JSONEncoder()
        pretty.outputFormatting = [.prettyPrinted, .sortedKeys]
        try pretty.encode(self).write(to: dir.appendingPathComponent("results.json"), options: .atomic)
    }

    /// Display name of a metric in the table header.
    static func label(_ metric: String) -> String {
        switch metric {
        case MetricName.mc1: "MC1"
        case MetricName.mc2: "MC2"
        case MetricName.mc3: "MC3"
        case MetricName.binary: "binary"
        default: metric
        }
    }

    func table() -> String {
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
        var lines = [t.render(), "model \(model.name) (\(model.fingerprint.prefix(19))…), run \(run_id)"]
        if let ties = summary.metrics[MetricName.mc1Ties] {
            lines[1] += String(format: "; MC1 ties: %.1f%%", ties.mean * 100)
        }
        if tokens.computed > 0 && tokens.from_scratch > 0 {
            let saving = tokens.from_scratch > 0 ? String(format: " (%.1f× fewer)", Double(tokens.from_scratch) / Double(tokens.computed)) : ""
            lines.append("tokens computed \(tokens.computed) vs \(tokens.from_scratch) from scratch\(saving)")
        }
        lines.append("\(tokens.items_scored) items scored in \(String(format: "%.1f", tokens.seconds)) s")
        for (k, v) in extra.sorted(by: { $0.key < $1.key }) { lines.append("\(k): \(v)") }
        return lines.joined(separator: "\n")
    }
}
