import TKCalibration
import TKEvalCore
import TKMetrics
import TKStore

extension SelfEvaluationPass {
    /// What `truthkit detect --json` prints.
    public struct DetectionReport: Sendable, Encodable {
        public var method: String
        public var runId: Int64
        public var samplesRunId: Int64
        public var answersRunId: Int64
        public var labels: String
        public var unlabelled: [Int]
        /// Sampling (0 when the samples were already stored) and scoring seconds.
        public var samplesSeconds: Double
        public var seconds: Double
        public var scores: [DetectionSummary]
    }

    /// Which label-free detector to run on stored answers.
    public enum Detector: String, Sendable, CaseIterable {
        case semanticEntropy = "semantic-entropy"
        case selfCheck = "selfcheck"
    }

    /// Semantic entropy or SelfCheck on the first `limit` answers of run `answersRunID`: samples
    /// drawn by `sampler` (or read back), scored with `judge` (the entailment judge, or SelfCheck's
    /// checker; any model, generation only), stored per item in a run of their own.
    public func detect(_ detector: Detector, answersRunID: Int64, source: CorrectnessSource, sampler: any LanguageModel,
                       samplerSettings: [String: String] = [:], judge: any LanguageModel, judgeSettings: [String: String] = [:],
                       limit: Int?, sampling: SamplingChoice = SamplingChoice(), bootstrap: Bootstrap = Bootstrap()) async throws -> DetectionReport {
        let (run, items, unlabelled) = try SelfEvaluationItem.load(store: evaluator.store, answersRunID: answersRunID, source: source, limit: limit)
        let samples = try await sampledAnswers(items: items, answersRun: run, model: sampler, modelSettings: samplerSettings, sampling: sampling)
        let detectionItems = try items.map { item in
            guard let drawn = samples.results[item.index] else {
                throw EvaluationError("item \(item.index) has no stored samples in run \(samples.runID)")
            }
            return DetectionItem(answer: item, samples: drawn)
        }
        let data = DatasetIdentity(checksum: run.keyDigest, itemCount: items.count, path: "run \(answersRunID)")
        let settings = judgeSettings.merging(["labels": source.description, "answers_run": run.keyDigest, "samples_run": samples.key.digest]) { _, b in b }
        let (runID, seconds, scores, correct, names): (Int64, Double, [[String: Double]], [Bool], [String])
        switch detector {
        case .semanticEntropy:
            let outcome = try await evaluator.run(SemanticEntropyTask(), items: detectionItems, model: judge, data: data, settings: settings, label: "semantic entropy")
            (runID, seconds, scores, correct, names) = (outcome.runID, outcome.seconds, outcome.results.map(\.scores), outcome.results.map(\.correct), SemanticEntropyTask.scoreNames)
        case .selfCheck:
            let task = SelfCheckTask()
            let outcome = try await evaluator.run(task, items: detectionItems, model: judge, data: data, settings: settings, label: "selfcheck")
            (runID, seconds, scores, correct, names) = (outcome.runID, outcome.seconds, outcome.results.map(\.scores), outcome.results.map(\.correct), task.headline)
        }
        return DetectionReport(method: detector.rawValue, runId: runID, samplesRunId: samples.runID, answersRunId: answersRunID,
                               labels: source.description, unlabelled: unlabelled, samplesSeconds: samples.seconds, seconds: seconds,
                               scores: try DetectionSummary.summaries(names: names, scores: scores, correct: correct, bootstrap: bootstrap))
    }
}
