import TKKernels
import TKTokenizer

/// The one decoding loop: continues a prompt one token per `step()`, with the sampler, the stop
/// matcher, the streaming text decoder, an optional decoding-time intervention (`LogitsProcessor`)
/// and the end conditions in one place.
///
/// `InferenceSession.generate` runs it to the end in one call; the server's scheduler calls
/// `step()` on many decoders in turn, so several requests interleave on one engine. Both therefore
/// produce the same tokens, the same log-probabilities and the same text for the same request.
public final class StepDecoder {
    /// One generated token and what it did.
    public struct Step {
        public var token: Int32
        /// log p(token) under the distribution sampled from at temperature 1 (the processor's
        /// scores when there is one, the model's logits otherwise).
        public var logprob: Float
        /// That distribution's scores (1 × vocab) and their log-sum-exp, for top-k alternatives.
        public var scores: FloatMatrix
        public var logSumExp: Float
        /// Text that became final with this step (stop strings are held back until they cannot match).
        public var text: String
        /// Set when generation ended with this step.
        public var finish: FinishReason?
        /// The token is the end-of-generation token (not part of the text).
        public var isEndOfGeneration: Bool
    }

    public let session: InferenceSession
    public let request: GenerationRequest
    /// Prompt tokens whose keys/values were already cached and not recomputed.
    public let reusedPromptTokens: Int
    public private(set) var tokens: [Int32] = []
    public private(set) var isFinished = false
    private let processor: (any LogitsProcessor)?
    private let recorder: LastRowRecorder?
    private let hooks: Hooks
    private var hidden: FloatMatrix
    private var sampler: Sampler
    private var decoder: StreamingDecoder
    private var matcher: StopSequenceMatcher

    /// Computes the prompt (reusing whatever prefix the session has cached) and gets ready for the
    /// first step. The prompt is always computed in float32.
    ///
    /// - Parameter lastHidden: the prompt's last hidden row when the caller already computed the
    ///   prompt itself (the server does, to report prompt log-probabilities); nil to compute it here.
    public init(session: InferenceSession, request: GenerationRequest, hooks: Hooks = Hooks(),
                processor: (any LogitsProcessor)? = nil, lastHidden: FloatMatrix? = nil) throws {
        try request.sampling.validate()
        guard !request.prompt.isEmpty else {
            throw EngineError(.invalidRequest, "the prompt is empty; generation needs at least one token (e.g. the BOS token)")
        }
        guard request.maxTokens >= 0 else { throw EngineError(.invalidRequest, "max tokens must be ≥ 0") }
        let contextLength = session.model.config.contextLength
        guard request.prompt.count < contextLength || (request.maxTokens == 0 && request.prompt.count <= contextLength) else {
            throw EngineError(.contextOverflow, "prompt of \(request.prompt.count) tokens does not fit the context window of \(contextLength) with room to generate; shorten it")
        }
        self.session = session
        self.request = request
        self.processor = processor
        var hooks = hooks
        recorder = processor.map { LastRowRecorder(points: $0.recordedPoints) }
        recorder?.install(into: &hooks)
        self.hooks = hooks
        if let processor {
            let promptLength = session.length
            try processor.prepare(request: request, session: session, hooks: self.hooks)
            // A server that computed the prompt itself hands its last row over in `lastHidden`; the
            // cache must still end at the prompt for the first step to continue it.
            if lastHidden != nil && session.length != promptLength {
                throw EngineError(.invalidRequest, "the decoding method left the session at \(session.length) tokens instead of the prompt's \(promptLength)")
            }
        }
        sampler = Sampler(settings: request.sampling)
        decoder = StreamingDecoder(tokenizer: session.model.tokenizer)
        matcher = StopSequenceMatcher(stops: request.stopSequences)
        if let lastHidden {
            hidden = lastHidden
            reusedPromptTokens = 0
        } else {
            // Keep at least the last prompt token to recompute: its logits are the first prediction.
            let reused = min(session.reusablePrefix(of: request.prompt), request.prompt.count - 1)
            session.truncate(to: reused)
            let precision = session.compute.activationPrecision
            session.compute.activationPrecision = .float32
            defer { session.compute.activationPrecision = precision }
            hidden = try session.forward(.sequence(Array(request.prompt[reused...]), startingAt: reused, outputs: .last), hooks: self.hooks)
            reusedPromptTokens = reused
        }
        if request.maxTokens == 0 { end() }
    }

    /// Samples the next token and, unless generation ends there, computes its forward pass.
    /// Returns nil once generation has finished.
    public func step() throws -> Step? {
        guard !isFinished else { return nil }
        // Decode steps run at the request's activation precision; the engine's setting is restored
        // after each step, since other decoders may share the session's compute context.
        let precision = session.compute.activationPrecision
        session.compute.activationPrecision = request.activations
        defer { session.compute.activationPrecision = precision }
        let logits = session.logits(fromHidden: hidden)
        let modelLogSumExp = Elementwise.logSumExp(logits)
        // A damaged output head must not turn into NaN scores or an empty "finished" answer.
        try session.checkFinite(logSumExps: modelLogSumExp)
        let scores: FloatMatrix
        let lse: Float
        if let processor, let recorder {
            let processed = try processor.process(logits: logits.row(0), activations: recorder.rows, tokens: request.prompt + tokens)
            scores = FloatMatrix(rows: 1, cols: processed.count, values: processed)
            lse = Elementwise.logSumExp(scores)[0]
        } else {
            scores = logits
            lse = modelLogSumExp[0]
        }
        let next = sampler.sample(scores.row(0))
        tokens.append(next)
        var step = Step(token: next, logprob: scores.row(0)[Int(next)] - lse, scores: scores, logSumExp: lse, text: "",
                        finish: nil, isEndOfGeneration: session.model.tokenizer.isEndOfGeneration(next))
        if step.isEndOfGeneration {
            step.text = flush()
            step.finish = .endOfGeneration
        } else {
            switch matcher.feed(decoder.feed(next)) {
            case .emit(let s):
                step.text = s
            case .stop(let s, _):
                step.text = s
                step.finish = .stop
            }
            if step.finish == nil && (tokens.count == request.maxTokens || session.length >= session.model.config.contextLength) {
                step.text += flush()
                step.finish = .length
            }
        }
        if step.finish != nil {
            end()
        } else {
            hidden = try session.forward(.sequence([next], startingAt: session.length, outputs: .last), hooks: hooks)
        }
        return step
    }

    /// Ends generation early (a client went away, a caller stopped reading); what was computed
    /// from 8-bit activations is dropped from the cache.
    public func cancel() {
        if !isFinished { end() }
    }

    /// Text held back by the decoder and the stop matcher.
    private func flush() -> String {
        var text = ""
        if case .emit(let s) = matcher.feed(decoder.finish()) { text += s }
        return text + matcher.finish()
    }

    private func end() {
        isFinished = true
        session.dropInexactEntries(promptLength: request.prompt.count, decodedWith: request.activations)
    }
}
