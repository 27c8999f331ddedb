import Foundation
import TKConsole
import TKMetrics

extension MultilingualComparison {
    /// The terminal view: one row per language (metrics with intervals, dropped options, the
    /// paired difference to the reference), then MC2 per category with one column per language.
    public func table() -> String {
        func pct(_ e: MetricEstimate?) -> String {
            guard let e else { return "-" }
            return String(format: "%.1f%% [%.1f, %.1f]", e.mean * 100, e.lower * 100, e.upper * 100)
        }
        func delta(_ d: PairedDifference?) -> String {
            guard let d else { return "-" }
            return String(format: "%+.1f [%+.1f, %+.1f]%@", d.meanDifference * 100, d.lower * 100, d.upper * 100, d.excludesZero ? " *" : "")
        }
        var overall = TextTable(columns: [.init("lang"), .init("n", alignment: .right), .init("dropped", alignment: .right),
                                          .init("MC1"), .init("MC2"), .init("MC3"),
                                          .init("ΔMC1 vs \(reference) (pp)"), .init("ΔMC2 vs \(reference) (pp)")])
        for language in order {
            guard let row = languages[language] else { continue }
            let paired = pairedDifferences[language]
            overall.addRow([language, String(row.n), String(row.dropped), pct(row.mc1), pct(row.mc2), pct(row.mc3),
                            delta(paired?.differences[MetricName.mc1]), delta(paired?.differences[MetricName.mc2])])
        }
        var byCategory = TextTable(columns: [.init("category (MC2 %)")] + order.map { .init($0, alignment: .right) })
        let categories = Set(languages.values.flatMap { $0.byCategory.keys }).sorted()
        for category in categories {
            byCategory.addRow([category] + order.map { language in
                guard let e = languages[language]?.byCategory[category]?[MetricName.mc2] else { return "-" }
                return String(format: "%.1f", e.mean * 100)
            })
        }
        var lines = [overall.render()]
        lines.append("dropped: empty options removed by the loader; Δ: paired bootstrap on the shared questions (* interval excludes 0)")
        if !categories.isEmpty { lines += ["", byCategory.render()] }
        return lines.joined(separator: "\n")
    }
}
