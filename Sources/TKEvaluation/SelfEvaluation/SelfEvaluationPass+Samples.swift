import TKEvalCore
import TKMetrics
import TKStore

/// How many answers to sample per question and how (defaults: Farquhar et al.'s 10 at T=1 plus
/// one at T=0.1).
public struct SamplingChoice: Sendable, Equatable {
    public var count: Int
    public var temperature: Double
    public var lowTemperature: Double
    public var seed: UInt64
    /// Score the samples' log-probabilities (turn off for an endpoint without them).
    public var scoreLogprobs: Bool

    public init(count: Int = 10, temperature: Double = 1, lowTemperature: Double = 0.1, seed: UInt64 = 0, scoreLogprobs: Bool = true) {
        self.count = count
        self.temperature = temperature
        self.lowTemperature = lowTemperature
        self.seed = seed
        self.scoreLogprobs = scoreLogprobs
    }
}

extension SelfEvaluationPass {
    /// The sampled answers to `items`' questions, from the stored `sampled-answers` run of `model`
    /// on `answersRun` (drawing only what is not stored yet), by item index.
    public func sampledAnswers(items: [SelfEvaluationItem], answersRun: StoredRun, model: any LanguageModel, modelSettings: [String: String],
                               sampling: SamplingChoice) async throws -> EvaluationOutcome<SampledAnswersTask.Result>.Indexed {
        let task = try SampledAnswersTask(answersRunSettings: answersRun.key.settings, count: sampling.count, temperature: sampling.temperature,
                                          lowTemperature: sampling.lowTemperature, seed: sampling.seed, scoreLogprobs: sampling.scoreLogprobs)
        // The samples run spans the whole answers run, so a later scorer over more items extends it.
        let data = DatasetIdentity(checksum: answersRun.keyDigest, itemCount: answersRun.completedCount, path: "run \(answersRun.id)")
        let outcome = try await evaluator.run(task, items: items, model: model, data: data, settings: modelSettings, label: "samples")
        return .init(results: Dictionary(uniqueKeysWithValues: outcome.results.map { ($0.index, $0) }), runID: outcome.runID,
                     key: outcome.key, seconds: outcome.seconds)
    }
}

extension EvaluationOutcome {
    /// An outcome's results by item index, with where they are stored.
    public struct Indexed: Sendable {
        public var results: [Int: Result]
        public var runID: Int64
        public var key: RunKey
        public var seconds: Double
    }
}
