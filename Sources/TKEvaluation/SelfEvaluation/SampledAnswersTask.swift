import Foundation
import TKBenchmarks
import TKEvalCore
import TKMetrics

/// Sampled answers to the questions of a stored generation run, drawn once and stored per item so
/// every scorer that needs them (P(True) with brainstormed ideas, semantic entropy, SelfCheck)
/// reads the same samples: the run is keyed by the model, the answers run and these settings, so a
/// second scorer finds it finished and samples nothing.
///
/// Following Farquhar et al. 2024 (jlko/semantic_uncertainty): `count` answers at temperature
/// `temperature` (10 at T=1) plus one at `lowTemperature` (T=0.1), each from the answers run's own
/// prompt (its preset, stops and token limit) and cleaned as its answers were. Each sample's
/// log-probability is scored afterwards when the model gives log-probabilities (length-normalised
/// semantic entropy needs it); on an endpoint without them it is nil and only the scorers that
/// need no log-probabilities run.
public struct SampledAnswersTask: EvaluationTask {
    public var preset: PromptPreset
    public var maxTokens: Int
    public var stops: [String]
    public var count: Int
    public var temperature: Double
    public var lowTemperature: Double
    public var seed: UInt64
    /// Score each sample's log-probability (false for a logprob-free endpoint).
    public var scoreLogprobs: Bool

    public init(preset: PromptPreset, maxTokens: Int, stops: [String], count: Int = 10, temperature: Double = 1, lowTemperature: Double = 0.1,
                seed: UInt64 = 0, scoreLogprobs: Bool = true) throws {
        guard count >= 2 else { throw EvaluationError("sampling needs at least 2 samples per question, got \(count)") }
        guard temperature > 0, lowTemperature > 0 else {
            throw EvaluationError("sample temperatures must be positive (got \(temperature) and \(lowTemperature)); greedy answers are the answers run itself")
        }
        self.preset = preset
        self.maxTokens = maxTokens
        self.stops = stops
        self.count = count
        self.temperature = temperature
        self.lowTemperature = lowTemperature
        self.seed = seed
        self.scoreLogprobs = scoreLogprobs
    }

    /// The sampling settings of the answers run `run` (its preset, token limit and stops).
    ///
    /// - Throws: `EvaluationError` when the run's settings name no known preset.
    public init(answersRunSettings settings: [String: String], count: Int = 10, temperature: Double = 1, lowTemperature: Double = 0.1,
                seed: UInt64 = 0, scoreLogprobs: Bool = true) throws {
        guard let preset = PromptPreset(rawValue: settings["preset"] ?? "qa") else {
            throw EvaluationError("the answers run's preset '\(settings["preset"] ?? "")' is unknown to this version")
        }
        let maxTokens = settings["max_tokens"].flatMap(Int.init) ?? 64
        try self.init(preset: preset, maxTokens: maxTokens, stops: preset.stopSequences, count: count, temperature: temperature,
                      lowTemperature: lowTemperature, seed: seed, scoreLogprobs: scoreLogprobs)
    }

    public var name: String { "sampled-answers" }
    public var version: String { "1" }
    public var settings: [String: String] {
        ["preset": preset.rawValue, "max_tokens": String(maxTokens), "stop": stops.map(\.debugDescription).joined(separator: ","),
         "count": String(count), "temperature": String(temperature), "low_temperature": String(lowTemperature), "seed": String(seed),
         "logprobs": scoreLogprobs ? "scored" : "none"]
    }
    public var headline: [String] { ["distinct_samples"] }

    /// One sampled answer; `logprob` is the sum over its tokens (nil without log-probabilities).
    public struct Sample: Sendable, Codable, Equatable {
        public var text: String
        public var logprob: Double?
        public var tokenCount: Int

        public init(text: String, logprob: Double?, tokenCount: Int) {
            self.text = text
            self.logprob = logprob
            self.tokenCount = tokenCount
        }

        /// Mean log-probability per token (Farquhar et al.'s length normalisation).
        public var meanLogprob: Double? { logprob.map { $0 / Double(max(1, tokenCount)) } }
    }

    public struct Result: Sendable, Codable, Equatable {
        public var index: Int
        public var question: String
        /// The `count` answers at `temperature`.
        public var samples: [Sample]
        /// The answer at `lowTemperature`.
        public var lowTemperatureAnswer: Sample

        public init(index: Int, question: String, samples: [Sample], lowTemperatureAnswer: Sample) {
            self.index = index
            self.question = question
            self.samples = samples
            self.lowTemperatureAnswer = lowTemperatureAnswer
        }
    }

    public func index(of item: SelfEvaluationItem) -> Int { item.index }
    public func index(of result: Result) -> Int { result.index }

    /// The seed of sample `k` of item `index` (k = count is the low-temperature answer): distinct
    /// per item and sample, so a resumed or reordered run draws the same text.
    func sampleSeed(index: Int, sample k: Int) -> UInt64 {
        seed &+ UInt64(index) &* 1_000_003 &+ UInt64(k)  // wrapping: only distinctness matters
    }

    func draw(_ item: SelfEvaluationItem, temperature: Double, seed: UInt64, model: any LanguageModel) async throws -> Sample {
        let prompt = preset.context(question: item.question.trimmingCharacters(in: .whitespaces))
        let generation = try await model.generate(TextGenerationRequest(prompt: prompt, maxTokens: maxTokens, stop: stops,
                                                                        temperature: temperature, topP: 1, seed: seed))
        let text = AnswerCleaner.clean(generation.text, stops: stops, cue: preset.answerCue.trimmingCharacters(in: .whitespacesAndNewlines))
        guard scoreLogprobs, !generation.text.isEmpty else { return Sample(text: text, logprob: nil, tokenCount: generation.tokenCount) }
        let scored = try await model.score([ScoringRequest(context: prompt, continuations: [generation.text])])
        guard let score = scored.first?.first else {
            throw EvaluationError("the model returned no log-probability for a sample of item \(item.index)")
        }
        return Sample(text: text, logprob: score.logprob, tokenCount: score.tokenCount)
    }

    public func evaluate(_ item: SelfEvaluationItem, model: any LanguageModel) async throws -> Result {
        var samples: [Sample] = []
        for k in 0..<count {
            samples.append(try await draw(item, temperature: temperature, seed: sampleSeed(index: item.index, sample: k), model: model))
        }
        let low = try await draw(item, temperature: lowTemperature, seed: sampleSeed(index: item.index, sample: count), model: model)
        return Result(index: item.index, question: item.question, samples: samples, lowTemperatureAnswer: low)
    }

    public func score(_ result: Result) -> ItemScore {
        ItemScore(category: nil, type: nil, values: ["distinct_samples": Double(Set(result.samples.map(\.text)).count)])
    }
}
