import Foundation
import TKEvalCore
import TKMetrics

/// One engine setting of a trade-off sweep: how to load the model run that way, and what it costs.
public struct SweepSetting: Sendable {
    /// A short label (`kv=kivi2,exit=24`; "standard" for the unchanged engine).
    public var label: String
    /// Run-key settings the setting adds (the same `eval` with these options records).
    public var settings: [String: String]
    /// KV-cache bytes per token of a packed cache in this setting's format and depth.
    public var kvBytesPerToken: Double
    /// Fraction of the model's block computation one forward pass does.
    public var layerFraction: Double
    public var load: @Sendable () async throws -> any LanguageModel

    public init(label: String, settings: [String: String], kvBytesPerToken: Double, layerFraction: Double,
                load: @escaping @Sendable () async throws -> any LanguageModel) {
        self.label = label
        self.settings = settings
        self.kvBytesPerToken = kvBytesPerToken
        self.layerFraction = layerFraction
        self.load = load
    }
}

/// Each setting of an efficiency sweep (KV-cache formats, early exit, layer skipping) against the
/// baseline on the same items: each setting is its own stored run (so it resumes, and an `eval`
/// with the same options finds it), compared with the baseline through `FoldedComparison` — its
/// metrics with bootstrap intervals and the paired difference to the baseline — beside what it
/// saves (KV bytes per token, fraction of layer compute).
public struct TradeoffSweep<T: EvaluationTask>: Sendable {
    public var comparison: FoldedComparison<T>

    public init(comparison: FoldedComparison<T>) {
        self.comparison = comparison
    }

    /// Runs every setting in order (the baseline's own run is computed once and read back after).
    /// `finished(i)` is told when setting i is done, for progress beside the evaluator's own.
    public func run(items: [T.Item], baseline: SweepSetting, settings: [SweepSetting],
                    finished: @Sendable (Int) -> Void = { _ in }) async throws -> TradeoffReport {
        let start = Date()
        let base = try await baseline.load()
        let all = Set(items.map { comparison.task.index(of: $0) })
        var rows: [TradeoffReport.Row] = []
        var baselineRow: TradeoffReport.Row?
        for (i, setting) in settings.enumerated() {
            let began = Date()
            let group = ComparisonGroup(label: setting.label, items: all, settings: setting.settings, load: setting.load)
            let outcome = try await comparison.run(items: items, baseline: base, groups: [group])
            if baselineRow == nil {
                baselineRow = TradeoffReport.Row(setting: baseline, metrics: outcome.baseline.summary.metrics,
                                                 runIds: outcome.baseline.runIDs, difference: [:], seconds: nil)
            }
            rows.append(TradeoffReport.Row(setting: setting, metrics: outcome.intervened.summary.metrics, runIds: outcome.intervened.runIDs,
                                           difference: outcome.difference, seconds: Date().timeIntervalSince(began)))
            finished(i)
        }
        guard let baselineRow else { throw EvaluationError("the sweep has no settings to compare; give at least one") }
        return TradeoffReport(task: comparison.task.name, metrics: comparison.task.headline, items: items.count,
                              baseline: baselineRow, rows: rows, seconds: Date().timeIntervalSince(start))
    }
}
