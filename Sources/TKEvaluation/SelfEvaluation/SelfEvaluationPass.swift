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

    /// P(True) on the answers of run `answersRunID`, at most `limit` of them (in item order).
    public func pTrue(answersRunID: Int64, source: CorrectnessSource, model: any LanguageModel, modelSettings: [String: String] = [:],
                      limit: Int?, binning: Binning, bootstrap: Bootstrap = Bootstrap()) async throws -> (report: Report, results: [PTrueTask.Result]) {
        let (run, answers) = try StoredRunReader.load(GenerationItemResult.self, store: evaluator.store, runID: answersRunID,
                                                      task: "truthfulqa-gen", howToMake: "`truthkit eval --task truthfulqa-gen`")
        let chosen = Array(answers.sorted { $0.index < $1.index }.prefix(limit ?? answers.count))
        let (items, unlabelled) = SelfEvaluationItem.from(chosen, source: source)
        guard !items.isEmpty else {
            throw EvaluationError("none of the \(chosen.count) answers has a label from \(source); judge the run first or choose another --labels source")
        }
        let task = PTrueTask()
        // The answers run and the label source are part of what is scored, so they key the run.
        let data = DatasetIdentity(checksum: run.keyDigest, itemCount: items.count, path: "run \(answersRunID)")
        let outcome = try await evaluator.run(task, items: items, model: model, data: data,
                                              settings: modelSettings.merging(["labels": source.description, "answers_run": run.keyDigest]) { _, b in b },
                                              label: "p(true)")
        let predictions = outcome.results.map { ConfidencePrediction(confidence: $0.pTrue, correct: $0.correct) }
        let summary = try CalibrationSummary(predictions, binning: binning, bootstrap: bootstrap)
        try await outcome.finishIfComplete(summary: summary)
        let report = Report(method: "p_true (Kadavath zero-shot, full-vocabulary log-softmax of \" (A)\" vs \" (B)\", normalised over the two)",
                            runId: outcome.runID, answersRunId: answersRunID, labels: source.description, unlabelled: unlabelled,
                            seconds: outcome.seconds, summary: summary)
        return (report, outcome.results)
    }
}
