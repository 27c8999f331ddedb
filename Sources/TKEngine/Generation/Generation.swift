import TKKernels
import TKTokenizer

/// Why generation ended.
public enum FinishReason: String, Sendable, Codable {
    /// A stop string was produced (it is not part of the text).
    case stop
    /// The model produced an end-of-generation token.
    case endOfGeneration = "eos"
    /// `maxTokens` was reached — the answer may be cut short.
    case length
}

/// A prompt and the settings for continuing it.
public struct GenerationRequest: Sendable {
    public var prompt: [Int32]
    public var maxTokens: Int
    public var sampling: SamplingSettings
    public var stopSequences: [String]
    /// Activations of the decode steps: exact float32 (default) or 8-bit for speed. The prompt is
    /// always computed in float32, and the generated tokens' keys/values are dropped afterwards,
    /// so the cache a later request reuses holds only exact entries.
    public var activations: ActivationPrecision

    public init(prompt: [Int32], maxTokens: Int = 128, sampling: SamplingSettings = .greedy, stopSequences: [String] = [],
                activations: ActivationPrecision = .float32) {
        self.prompt = prompt
        self.maxTokens = maxTokens
        self.sampling = sampling
        self.stopSequences = stopSequences
        self.activations = activations
    }
}

/// What came out: the text (stop string excluded), the generated tokens with their log-probabilities
/// under the unmodified sampling distribution (temperature 1; with a `LogitsProcessor`, the
/// distribution of its scores at temperature 1), and why it ended.
public struct GenerationResult: Sendable {
    public var text: String
    public var tokens: [Int32]
    public var tokenLogprobs: [Float]
    public var finishReason: FinishReason
    public var promptTokens: Int
    /// Prompt tokens whose keys/values were already cached and not recomputed.
    public var reusedPromptTokens: Int
}

extension InferenceSession {
    /// After generating from a `promptLength`-token prompt with decode `activations`: entries
    /// computed from 8-bit activations are dropped, so a later request's prefix reuse finds only
    /// exact (float32) keys and values.
    public func dropInexactEntries(promptLength: Int, decodedWith activations: ActivationPrecision) {
        if activations != .float32 { truncate(to: min(length, promptLength)) }
    }

    /// Continues `request.prompt`, calling `onText` with each piece of text as it becomes final
    /// (return false from it to stop early). Reuses any cached prefix of the prompt.
    ///
    /// A `processor` (decoding-time intervention) turns each step's logits into the scores the
    /// sampler draws from; without one, generation is exactly the model's. Runs `StepDecoder` to
    /// the end — the same loop the server steps through.
    public func generate(_ request: GenerationRequest, hooks: Hooks = Hooks(), processor: (any LogitsProcessor)? = nil,
                         onText: (String) -> Bool = { _ in true }) throws -> GenerationResult {
        let decoder = try StepDecoder(session: self, request: request, hooks: hooks, processor: processor)
        var text = ""
        var logprobs: [Float] = []
        var reason = FinishReason.length
        while let step = try decoder.step() {
            logprobs.append(step.logprob)
            text += step.text
            if !step.text.isEmpty && !onText(step.text) && step.finish == nil {
                decoder.cancel()
                reason = .stop
                break
            }
            if let finish = step.finish { reason = finish }
        }
        return GenerationResult(text: text, tokens: decoder.tokens, tokenLogprobs: logprobs, finishReason: reason,
                                promptTokens: request.prompt.count, reusedPromptTokens: decoder.reusedPromptTokens)
    }
}
