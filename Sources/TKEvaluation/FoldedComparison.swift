import Foundation
import TKEvalCore
import TKMetrics
import TKStore

/// One side of an intervention comparison that runs on some of the items: a fold of a fitted
/// method (scored only on the questions its fit held out) or the whole method when nothing is fitted.
public struct ComparisonGroup: Sendable {
    public var label: String
    /// Indices of the items this group scores.
    public var items: Set<Int>
    /// Loads the intervened model for this group (called once, when the group's turn comes, so
    /// only one fold's model is in memory at a time).
    public var load: @Sendable () async throws -> any LanguageModel
    /// Added to this group's run key beside the comparison's settings (engine options that change
    /// its numbers, so the run is the one `eval` with the same options stores).
    public var settings: [String: String]

    public init(label: String, items: Set<Int>, settings: [String: String] = [:],
                load: @escaping @Sendable () async throws -> any LanguageModel) {
        self.label = label
        self.items = items
        self.settings = settings
        self.load = load
    }
}

/// Baseline and intervened model on the same items, side by side: each group is its own stored run
/// (so either side resumes), the baseline runs on exactly the items the groups cover, and every
/// metric's paired difference comes with a bootstrap interval.
///
/// Items are paired by index; an item missing a metric on either side (an unread judge verdict, a
/// non-finite value) is left out of that metric's difference only.
public struct FoldedComparison<T: EvaluationTask>: Sendable {
    public let task: T
    public let evaluator: Evaluator
    public let data: DatasetIdentity
    /// Added to the run key of every side (backend options, language, data release).
    public let settings: [String: String]
    public var bootstrap = Bootstrap()
    /// Runs on each side's results before they are compared — a judging pass chained onto
    /// generation, given the results, the side's run key and its label.
    public var after: (@Sendable ([T.Result], RunKey, String) async throws -> [T.Result])?
    /// Marks each side's run finished (with its metric means) once every item of the data is stored.
    public var finishRuns = false

    public init(task: T, evaluator: Evaluator, data: DatasetIdentity, settings: [String: String] = [:]) {
        self.task = task
        self.evaluator = evaluator
        self.data = data
        self.settings = settings
    }

    /// The outcome: both sides' results in item order, their summaries and the differences.
    public struct Outcome: Sendable {
        public var items: Int
        public var folds: Int
        public var baseline: Side
        public var intervened: Side
        /// Metric → intervened − baseline, paired by item.
        public var difference: [String: PairedDifference]
        /// The metrics compared, in report order (the task's headline metrics the data has).
        public var compared: [String]
    }

    public struct Side: Sendable {
        public var fingerprint: String
        public var runIDs: [Int64]
        public var results: [T.Result]
        public var summary: MetricsSummary
    }

    /// One side's run, with `after` applied and the run finished when complete.
    func side(_ items: [T.Item], model: any LanguageModel, label: String, settings extra: [String: String] = [:]) async throws -> EvaluationOutcome<T.Result> {
        var outcome = try await evaluator.run(task, items: items, model: model, data: data,
                                              settings: settings.merging(extra) { a, _ in a }, label: label)
        if let after { outcome.results = try await after(outcome.results, outcome.key, label) }
        if finishRuns { try await outcome.finishIfComplete(summary: try task.summarize(outcome.results).metrics.mapValues(\.mean)) }
        return outcome
    }

    public func run(items: [T.Item], baseline: any LanguageModel, groups: [ComparisonGroup]) async throws -> Outcome {
        let covered = groups.reduce(into: Set<Int>()) { $0.formUnion($1.items) }
        let heldOut = items.filter { covered.contains(task.index(of: $0)) }
        guard !heldOut.isEmpty else {
            throw EvaluationError("no items to compare: the fit's held-out questions and the data's items do not overlap")
        }
        let base = try await side(heldOut, model: baseline, label: "baseline")
        var intervened: [T.Result] = []
        var runIDs: [Int64] = []
        var fingerprint = ""
        for group in groups {
            let groupItems = heldOut.filter { group.items.contains(task.index(of: $0)) }
            guard !groupItems.isEmpty else { continue }
            let model = try await group.load()
            fingerprint = model.identity.fingerprint
            let outcome = try await side(groupItems, model: model, label: group.label, settings: group.settings)
            intervened += outcome.results
            runIDs.append(outcome.runID)
        }
        intervened.sort { task.index(of: $0) < task.index(of: $1) }

        let baseValues = Dictionary(base.results.map { (task.index(of: $0), task.score($0).values) }) { a, _ in a }
        let intervenedValues = Dictionary(intervened.map { (task.index(of: $0), task.score($0).values) }) { a, _ in a }
        var difference: [String: PairedDifference] = [:]
        for m in task.headline {
            var a: [Int: Double] = [:], b: [Int: Double] = [:]
            for (i, v) in intervenedValues {
                guard let x = v[m], let y = baseValues[i]?[m], x.isFinite, y.isFinite else { continue }
                a[i] = x
                b[i] = y
            }
            if !a.isEmpty { difference[m] = try bootstrap.pairedDifference(a, b) }
        }
        return Outcome(
            items: heldOut.count, folds: groups.count,
            baseline: Side(fingerprint: baseline.identity.fingerprint, runIDs: [base.runID], results: base.results,
                           summary: try task.summarize(base.results, bootstrap: bootstrap)),
            intervened: Side(fingerprint: fingerprint, runIDs: runIDs, results: intervened,
                             summary: try task.summarize(intervened, bootstrap: bootstrap)),
            difference: difference, compared: task.headline.filter { difference[$0] != nil })
    }
}
