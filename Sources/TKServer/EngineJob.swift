import TKEngine

/// One prompt for the engine to score and/or continue: the unit the scheduler queues.
///
/// A completions request with a list of prompts becomes one job per prompt.
public struct EngineJob: Sendable {
    /// Prompt token ids (never empty).
    public var prompt: [Int32]
    /// Tokens to generate; 0 only scores (with `promptLogprobs`) or echoes.
    public var maxTokens: Int
    public var sampling: SamplingSettings
    public var stopSequences: [String]
    /// Whether to report each prompt token's log-probability (completions `echo` + `logprobs`).
    /// The prompt is then always computed from an empty cache in one pass, so the numbers equal
    /// `InferenceSession.scoreSequence` and never depend on earlier requests.
    public var promptLogprobs: Bool
    /// Alternatives reported per position (0 = only the chosen token's log-probability);
    /// nil = no log-probabilities for generated tokens.
    public var topLogprobs: Int?

    public init(prompt: [Int32], maxTokens: Int, sampling: SamplingSettings = .greedy, stopSequences: [String] = [],
                promptLogprobs: Bool = false, topLogprobs: Int? = nil) {
        self.prompt = prompt
        self.maxTokens = maxTokens
        self.sampling = sampling
        self.stopSequences = stopSequences
        self.promptLogprobs = promptLogprobs
        self.topLogprobs = topLogprobs
    }
}

/// What the engine reports about a job, in order: at most one `.prompt`, then `.token`s and
/// `.text`s as they are produced, then exactly one `.finished` (or `.failed`).
enum EngineEvent: Sendable {
    /// Log-probabilities of every prompt token (the first has none).
    case prompt([TokenLogprob])
    /// A generated token (its log-probability is set when the job asked for them). Not sent for
    /// the end-of-generation token that ends the text.
    case token(TokenLogprob)
    /// Text that is final: stop strings are held back until they cannot match.
    case text(String)
    case finished(FinishReason, usage: JobUsage)
    case failed(String)
}

/// Token counts for the `usage` block.
struct JobUsage: Sendable {
    var promptTokens: Int
    var completionTokens: Int
    /// Prompt tokens whose keys/values came from the prefix cache.
    var cachedPromptTokens: Int
}
