import TKBenchmarks
import TKCalibration
import TKEvalCore
import TKMetrics
import TKStore

/// Self-evaluation of a stored generation run's answers as a run of its own: the answers are read
/// back (never regenerated), labelled by a named `CorrectnessSource`, scored by a self-evaluation
/// task through the `Evaluator` (stored per item, resumable), and reduced to calibration numbers.
public struct SelfEvaluationPass: Sendable {
    public let evaluator: Evaluator

    public init(evaluator: Evaluator) { self.evaluator = evaluator }

    /// What `truthkit selfeval --json` prints: the calibration summary's keys at the top level.
    public struct Report: Sendable, Encodable {
        public var method: String
        public var runId: Int64
        public var answersRunId: Int64
        public var labels: String
        /// Answers the label source had no verdict for: left out of every number.
        public var unlabelled: [Int]
        public var seconds: Double
        public var summary: CalibrationSummary

        private enum CodingKeys: String, CodingKey { case method, runId, answersRunId, labels, unlabelled, seconds }

        public func encode(to encoder: any Encoder) throws {
            try summary.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(method, forKey: .method)
            try c.encode(runId, forKey: .runId)
            try c.encode(answersRunId, forKey: .answersRunId)
            try c.encode(labels, forKey: .labels)
            try c.encode(unlabelled, forKey: .unlabelled)
            try c.encode(seconds, forKey: .seconds)
        }
    }

    /// P(True) on the answers of run `answersRunID`, at most `limit` of them (in item order), under
    /// `prompting`; with `.brainstorm` the ideas are the first samples of `sampling`'s stored run
    /// (drawn by `model` first when not stored yet).
    public func pTrue(answersRunID: Int64, source: CorrectnessSource, model: any LanguageModel, modelSettings: [String: String] = [:],
                      limit: Int?, binning: Binning, bootstrap: Bootstrap = Bootstrap(), prompting: PTruePrompting = .zeroShot,
                      sampling: SamplingChoice = SamplingChoice()) async throws -> (report: Report, results: [PTrueTask.Result]) {
        var (run, items, unlabelled) = try SelfEvaluationItem.load(store: evaluator.store, answersRunID: answersRunID, source: source, limit: limit)
        var settings = modelSettings.merging(["labels": source.description, "answers_run": run.keyDigest]) { _, b in b }
        if case .brainstorm = prompting {
            let samples = try await sampledAnswers(items: items, answersRun: run, model: model, modelSettings: modelSettings, sampling: sampling)
            items = items.map { item in
                var item = item
                item.brainstormed = samples.results[item.index]?.samples.map(\.text) ?? []
                return item
            }
            settings["samples_run"] = samples.key.digest
        }
        let task = PTrueTask(prompting: prompting)
        // The answers run and the label source are part of what is scored, so they key the run.
        let data = DatasetIdentity(checksum: run.keyDigest, itemCount: items.count, path: "run \(answersRunID)")
        let outcome = try await evaluator.run(task, items: items, model: model, data: data, settings: settings, label: "p(true) \(prompting.id)")
        let predictions = outcome.results.map { ConfidencePrediction(confidence: $0.pTrue, correct: $0.correct) }
        let summary = try CalibrationSummary(predictions, binning: binning, bootstrap: bootstrap)
        try await outcome.finishIfComplete(summary: summary)
        let report = Report(method: "p_true (\(prompting.id), full-vocabulary log-softmax of \" (A)\" vs \" (B)\", normalised over the two)",
                            runId: outcome.runID, answersRunId: answersRunID, labels: source.description, unlabelled: unlabelled,
                            seconds: outcome.seconds, summary: summary)
        return (report, outcome.results)
    }
}
