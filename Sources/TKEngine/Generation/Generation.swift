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
    /// sampler draws from; without one, generation is exactly the model's.
    public func generate(_ request: GenerationRequest, hooks: Hooks = Hooks(), processor: (any LogitsProcessor)? = nil,
                         onText: (String) -> Bool = { _ in true }) throws -> GenerationResult {
        try request.sampling.validate()
        guard !request.prompt.isEmpty else {
            throw EngineError(.invalidRequest, "the prompt is empty; generation needs at least one token (e.g. the BOS token)")
        }
        guard request.maxTokens >= 0 else { throw EngineError(.invalidRequest, "max tokens must be ≥ 0") }
        let c = model.config
        guard request.prompt.count < c.contextLength else {
            throw EngineError(.contextOverflow, "prompt of \(request.prompt.count) tokens does not fit the context window of \(c.contextLength) with room to generate; shorten it")
        }
        // Keep at least the last prompt token to recompute: its logits are the first prediction.
        let reused = min(reusablePrefix(of: request.prompt), request.prompt.count - 1)
        truncate(to: reused)
        var hooks = hooks
        let recorder = processor.map { LastRowRecorder(points: $0.recordedPoints) }
        recorder?.install(into: &hooks)
        let precision = compute.activationPrecision
        compute.activationPrecision = .float32
        defer { compute.activationPrecision = precision }
        var hidden = try forward(.sequence(Array(request.prompt[reused...]), startingAt: reused, outputs: .last), hooks: hooks)
        compute.activationPrecision = request.activations
        defer { dropInexactEntries(promptLength: request.prompt.count, decodedWith: request.activations) }

        var sampler = Sampler(settings: request.sampling)
        var decoder = StreamingDecoder(tokenizer: model.tokenizer)
        var matcher = StopSequenceMatcher(stops: request.stopSequences)
        var text = ""
        var tokens: [Int32] = []
        var logprobs: [Float] = []
        var reason = FinishReason.length
        generation: while tokens.count < request.maxTokens {
            let logits = self.logits(fromHidden: hidden)
            if let processor, let recorder {
                try checkFinite(logSumExps: Elementwise.logSumExp(logits))
                let scores = try processor.process(logits: logits.row(0), activations: recorder.rows, tokens: request.prompt + tokens)
                let next = sampler.sample(scores)
                let lse = Elementwise.logSumExp(FloatMatrix(rows: 1, cols: scores.count, values: scores))[0]
                tokens.append(next)
                logprobs.append(scores[Int(next)] - lse)
            } else {
                let row = logits.row(0)
                let lse = Elementwise.logSumExp(logits)[0]
                try checkFinite(logSumExps: [lse])
                let next = sampler.sample(row)
                tokens.append(next)
                logprobs.append(row[Int(next)] - lse)
            }
            let next = tokens[tokens.count - 1]
            if model.tokenizer.isEndOfGeneration(next) {
                reason = .endOfGeneration
                break
            }
            let piece = decoder.feed(next)
            switch matcher.feed(piece) {
            case .emit(let s):
                text += s
                if !s.isEmpty && !onText(s) { reason = .stop; break generation }
            case .stop(let s, _):
                text += s
                if !s.isEmpty { _ = onText(s) }
                reason = .stop
                break generation
            }
            if tokens.count == request.maxTokens { break }
            guard length < c.contextLength else { break }
            hidden = try forward(.sequence([next], startingAt: length, outputs: .last), hooks: hooks)
        }
        if reason != .stop {
            let tail = matcher.feed(decoder.finish())
            if case .emit(let s) = tail { text += s; if !s.isEmpty { _ = onText(s) } }
            let rest = matcher.finish()
            text += rest
            if !rest.isEmpty { _ = onText(rest) }
        }
        return GenerationResult(text: text, tokens: tokens, tokenLogprobs: logprobs, finishReason: reason,
                                promptTokens: request.prompt.count, reusedPromptTokens: reused)
    }
}
