import TKEvalCore
import TKMetrics

/// TruthfulQA in several languages side by side: each language's metrics overall and per
/// category, and each language's paired difference to English on the questions both share.
///
/// The translations (TruthfulQA-Multi) keep the English file's question order, so an item's
/// index is the same question in every language; pairing on it keeps question difficulty out of
/// the difference, as `PairedDifference` explains. Items a language lacks are left out of its
/// pairing (and counted in `shared`), never scored as wrong.
public struct MultilingualComparison: Sendable, Encodable {
    /// One language's scored items and what its loader dropped.
    public struct LanguageRun: Sendable {
        public var language: String
        /// Item index → that item's metric values and groups.
        public var items: [Int: ItemScore]
        /// Empty options the loader removed (the multilingual files have some).
        public var droppedChoices: Int
        /// Whole records left out (invalid after dropping empties, with `--skip-invalid`).
        public var droppedItems: Int
        public var runID: Int64?
        public var seconds: Double

        public init(language: String, items: [Int: ItemScore], droppedChoices: Int = 0, droppedItems: Int = 0,
                    runID: Int64? = nil, seconds: Double = 0) {
            self.language = language
            self.items = items
            self.droppedChoices = droppedChoices
            self.droppedItems = droppedItems
            self.runID = runID
            self.seconds = seconds
        }
    }

    /// One language's row: `mc1`, `mc2`, `mc3` (with intervals), `n`, `dropped`, per category.
    public struct LanguageSummary: Sendable, Encodable {
        public var mc1: MetricEstimate?
        public var mc2: MetricEstimate?
        public var mc3: MetricEstimate?
        public var n: Int
        /// Empty options dropped by the loader.
        public var dropped: Int
        public var droppedItems: Int
        public var byCategory: [String: [String: MetricEstimate]]
        public var runId: Int64?
        public var seconds: Double
    }

    /// Metric → paired difference `language − en` on the shared questions.
    public struct PairedToEnglish: Sendable, Encodable {
        public var shared: Int
        public var differences: [String: PairedDifference]
    }

    /// The model every language was run with.
    public var model: ModelIdentity?
    public var reference: String
    /// The languages in the order they were run (the reference first when present).
    public var order: [String]
    public var languages: [String: LanguageSummary]
    /// Language → its difference to the reference language (absent for the reference itself).
    public var pairedDifferences: [String: PairedToEnglish]
    public var metrics: [String]
    public var bootstrap: Bootstrap

    /// The metrics compared: MC1, MC2, MC3.
    public static let comparedMetrics = [MetricName.mc1, MetricName.mc2, MetricName.mc3]

    /// - Parameters:
    ///   - runs: One per language; the `reference` language's run is the baseline of each pair.
    ///   - reference: The language the others are compared with (`en`).
    /// - Throws: `MetricsError` when a language has no scored items or the bootstrap settings are bad.
    public init(runs: [LanguageRun], model: ModelIdentity? = nil, reference: String = "en",
                metrics: [String] = comparedMetrics, bootstrap: Bootstrap = Bootstrap()) throws {
        self.model = model
        self.reference = reference
        self.metrics = metrics
        self.bootstrap = bootstrap
        self.order = runs.map(\.language)
        var languages: [String: LanguageSummary] = [:]
        for run in runs {
            let ordered = run.items.keys.sorted().map { run.items[$0]! }
            let summary = try MetricsSummary(items: ordered, bootstrap: bootstrap)
            languages[run.language] = LanguageSummary(
                mc1: summary.metrics[MetricName.mc1], mc2: summary.metrics[MetricName.mc2], mc3: summary.metrics[MetricName.mc3],
                n: summary.itemCount, dropped: run.droppedChoices, droppedItems: run.droppedItems,
                byCategory: summary.byCategory, runId: run.runID, seconds: run.seconds)
        }
        self.languages = languages
        var paired: [String: PairedToEnglish] = [:]
        if let base = runs.first(where: { $0.language == reference }) {
            for run in runs where run.language != reference {
                let shared = Set(run.items.keys).intersection(base.items.keys)
                var differences: [String: PairedDifference] = [:]
                for metric in metrics {
                    var a: [Int: Double] = [:], b: [Int: Double] = [:]
                    for index in shared {
                        guard let x = run.items[index]?.values[metric], let y = base.items[index]?.values[metric] else { continue }
                        a[index] = x
                        b[index] = y
                    }
                    if !a.isEmpty { differences[metric] = try bootstrap.pairedDifference(a, b) }
                }
                paired[run.language] = PairedToEnglish(shared: shared.count, differences: differences)
            }
        }
        self.pairedDifferences = paired
    }
}
