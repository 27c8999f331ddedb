import TKEvalCore

/// How answers are generated for the TruthfulQA generation task.
///
/// The defaults follow lm-evaluation-harness's `truthfulqa_gen`: greedy decoding, stopping at a
/// blank line (its `until: ["\n\n"]`, the few-shot delimiter). The preset's next turn (`"\nQ:"`
/// for the QA presets) stops it too, because a model that writes a single newline and then the
/// next question (the original TruthfulQA code cut answers at `Q:` for this reason) would
/// otherwise run on to the token limit. 64 tokens is enough for every reference answer in
/// TruthfulQA with room to spare; the original code used 50.
public struct GenerationSettings: Sendable, Codable, Equatable, Hashable {
    /// The most tokens generated per answer; an answer that reaches it is flagged `hitTokenLimit`.
    public var maxTokens: Int
    /// Sampling temperature; 0 (the default) is greedy.
    public var temperature: Double
    public var topP: Double
    /// Seed of the sampler (used only when `temperature > 0`).
    public var seed: UInt64
    /// Generation ends at the first of these (not part of the answer); nil means the preset's
    /// `stopSequences` (a blank line or the next `Q:` for the QA presets).
    public var stop: [String]?

    public init(maxTokens: Int = 64, temperature: Double = 0, topP: Double = 1, seed: UInt64 = 0,
                stop: [String]? = nil) {
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topP = topP
        self.seed = seed
        self.stop = stop
    }

    /// Checks the settings before any generation, so a typo fails at once and not after the first item.
    ///
    /// - Throws: `BenchmarkError` naming the bad value and the valid range.
    public func validate() throws {
        guard maxTokens >= 1 else {
            throw BenchmarkError("--max-tokens must be at least 1, got \(maxTokens); the default is 64.")
        }
        guard temperature >= 0, temperature.isFinite else {
            throw BenchmarkError("The temperature must be 0 (greedy) or positive, got \(temperature).")
        }
        guard topP > 0, topP <= 1 else {
            throw BenchmarkError("top-p must lie in (0, 1], got \(topP).")
        }
        if stop?.contains(where: \.isEmpty) == true {
            throw BenchmarkError("A stop sequence is empty; it would end every answer before it starts. Remove it.")
        }
    }
}
