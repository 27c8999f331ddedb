import Foundation
import TKBenchmarks
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

    enum CodingKeys: String, CodingKey {
        case task, model, settings, metrics, by_category, by_type, items, run_id, tokens, intervals
    }

    static let headline = [MetricName.mc1, MetricName.mc2, MetricName.mc3]

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
    }

    func write(results: [MultipleChoiceItemResult], to directory: String, encoder: JSONEncoder) throws {
        let dir = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var lines = Data()
        for r in results {
            lines.append(try encoder.encode(r))
            lines.append(0x0A)
        }
        try lines.write(to: dir.appendingPathComponent("items.jsonl"))
        let pretty = JSONEncoder()
        pretty.outputFormatting = [.prettyPrinted, .sortedKeys]
        try pretty.encode(self).write(to: dir.appendingPathComponent("results.json"))
    }

    func table() -> String {
        func pct(_ e: MetricEstimate?) -> String {
            guard let e else { return "-" }
            return String(format: "%.1f%% [%.1f, %.1f]", e.mean * 100, e.lower * 100, e.upper * 100)
        }
        var t = TextTable(columns: [.init("group"), .init("n", alignment: .right), .init("MC1"), .init("MC2"), .init("MC3")])
        t.addRow(["overall", String(summary.itemCount)] + Self.headline.map { pct(summary.metrics[$0]) })
        for (type, m) in summary.byType.sorted(by: { $0.key < $1.key }) {
            t.addRow([type, String(m[MetricName.mc2]?.count ?? 0)] + Self.headline.map { pct(m[$0]) })
        }
        for (category, m) in summary.byCategory.sorted(by: { $0.key < $1.key }) {
            t.addRow(["  " + category, String(m[MetricName.mc2]?.count ?? 0)] + Self.headline.map { pct(m[$0]) })
        }
        let ties = summary.metrics[MetricName.mc1Ties].map { String(format: "%.1f%%", $0.mean * 100) } ?? "-"
        let saving = tokens.computed > 0 ? String(format: "%.1f×", Double(tokens.from_scratch) / Double(tokens.computed)) : "-"
        return t.render() + "\n" + """
        model \(model.name) (\(model.fingerprint.prefix(19))…), run \(run_id); MC1 ties: \(ties)
        tokens computed \(tokens.computed) vs \(tokens.from_scratch) from scratch (\(saving) fewer), \(tokens.items_scored) items scored in \(String(format: "%.1f", tokens.seconds)) s
        """
    }
}
