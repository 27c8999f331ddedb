import Foundation

/// How invasive and how costly an intervention is, as `eval --intervention … --out DIR` writes them
/// in `comparison.json` (they are measured on neutral text and a timed generation, not stored per run).
public struct InterventionMeasures: Sendable, Equatable {
    public var intervention: String?
    /// KL(intervened ‖ baseline) on neutral text, nats per token.
    public var klNeutralText: Double?
    public var baseTokensPerSecond: Double?
    public var intervenedTokensPerSecond: Double?
    /// Intervened time per token over base time per token.
    public var slowdown: Double?

    public init(intervention: String? = nil, klNeutralText: Double? = nil, baseTokensPerSecond: Double? = nil,
                intervenedTokensPerSecond: Double? = nil, slowdown: Double? = nil) {
        self.intervention = intervention
        self.klNeutralText = klNeutralText
        self.baseTokensPerSecond = baseTokensPerSecond
        self.intervenedTokensPerSecond = intervenedTokensPerSecond
        self.slowdown = slowdown
    }

    /// Reads a `comparison.json`.
    ///
    /// - Throws: `ReportError` naming the file when it is missing or not a comparison.
    public static func read(comparisonJSON path: String) throws -> InterventionMeasures {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportError("Cannot read \(path); pass the comparison.json that `truthkit eval --intervention … --out DIR` wrote.")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], object["intervened"] != nil else {
            throw ReportError("\(path) is not a comparison.json (no \"intervened\" field); pass the file `truthkit eval --intervention … --out DIR` wrote.")
        }
        let overhead = object["overhead"] as? [String: Any]
        return InterventionMeasures(
            intervention: object["intervention"] as? String, klNeutralText: object["kl_neutral_text"] as? Double,
            baseTokensPerSecond: overhead?["base_tokens_per_second"] as? Double,
            intervenedTokensPerSecond: overhead?["intervened_tokens_per_second"] as? Double,
            slowdown: overhead?["slowdown"] as? Double)
    }
}

/// Baseline against intervened: the same model file with and without an intervention on the same
/// items — each metric, the paired difference with its interval, and how invasive (KL) and costly
/// (generation speed) the method is when those were measured.
public struct InterventionSection: ReportSection {
    public var comparison: RunComparison
    public var intervention: String
    public var measures: InterventionMeasures?
    public var id: String { "intervention-\(comparison.secondRun)" }
    public var title: String { "Intervention: \(intervention)" }

    public init(comparison: RunComparison, intervention: String, measures: InterventionMeasures?) {
        self.comparison = comparison
        self.intervention = intervention
        self.measures = measures
    }

    public func html() -> String {
        var out = "<p>Baseline run \(comparison.firstRun) and intervened run \(comparison.secondRun) on the same \(comparison.sharedItems) items; Δ = intervened − baseline.</p>"
        out += ComparisonSection.table(comparison.metrics, first: "baseline", second: "intervened")
        out += ComparisonSection.charts(comparison)
        var facts: [[HTML.Cell]] = []
        if let kl = measures?.klNeutralText { facts.append([.text("KL(intervened ‖ baseline) on neutral text"), .number(String(format: "%.4f nats/token", kl))]) }
        if let b = measures?.baseTokensPerSecond, let i = measures?.intervenedTokensPerSecond {
            facts.append([.text("generation speed"), .number(String(format: "%.1f → %.1f tokens/s", b, i))])
        }
        if let s = measures?.slowdown { facts.append([.text("overhead"), .number(String(format: "%.2f× time per token", s))]) }
        if facts.isEmpty {
            out += "<p class=\"tk-small\">KL and overhead are measured by `truthkit eval --intervention … --out DIR` and written to its comparison.json; pass that file with --comparison to show them here.</p>"
        } else {
            out += HTML.table(header: ["measure", "value"], rows: facts)
        }
        return out
    }
}
