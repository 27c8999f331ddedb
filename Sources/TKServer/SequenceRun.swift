import TKEngine
import TKKernels
import TKTokenizer

/// One job being run on a session: a state machine that the scheduler advances one step at a
/// time (prefill, then one token per step), so several jobs interleave fairly on one engine.
///
/// The decoding loop mirrors `InferenceSession.generate` step for step (same sampler, stop
/// matcher, streaming decoder and end conditions), so greedy output and reported
/// log-probabilities are identical to it.
final class SequenceRun {
    let job: EngineJob
    let session: InferenceSession
    let emit: (EngineEvent) -> Void
    /// Activations of the decode steps (the prompt is always float32; see `ActivationPrecision`).
    let activations: ActivationPrecision
    private var hidden: FloatMatrix?
    private var sampler: Sampler
    private var decoder: StreamingDecoder
    private var matcher: StopSequenceMatcher
    private var generated = 0
    private var reused = 0
    private(set) var isDone = false

    init(job: EngineJob, session: InferenceSession, activations: ActivationPrecision = .float32,
         emit: @escaping (EngineEvent) -> Void) {
        self.job = job
        self.session = session
        self.activations = activations
        self.emit = emit
        sampler = Sampler(settings: job.sampling)
        decoder = StreamingDecoder(tokenizer: session.model.tokenizer)
        matcher = StopSequenceMatcher(stops: job.stopSequences)
    }

    /// Rows of the vocabulary projection per step, as `InferenceSession.logProbabilities` uses, so
    /// each chunk of prompt rows goes through the same kernels and gives the same numbers.
    static let logitChunkRows = 32

    /// Runs the next step; returns when the job has finished (`isDone`).
    func step(hooks: Hooks) {
        guard !isDone else { return }
        do {
            if hidden == nil { try prefill(hooks: hooks) } else { try decodeStep(hooks: hooks) }
        } catch {
            fail("\(error)")
        }
    }

    /// Ends the job early (client went away or the server is stopping).
    func cancel() {
        guard !isDone else { return }
        finish(.stop)
    }

    private func fail(_ message: String) {
        isDone = true
        session.dropInexactEntries(promptLength: job.prompt.count, decodedWith: activations)
        emit(.failed(message))
    }

    private func finish(_ reason: FinishReason) {
        isDone = true
        session.dropInexactEntries(promptLength: job.prompt.count, decodedWith: activations)
        emit(.finished(reason, usage: JobUsage(promptTokens: job.prompt.count, completionTokens: generated,
                                               cachedPromptTokens: reused)))
    }

    private func prefill(hooks: Hooks) throws {
        let prompt = job.prompt
        if job.promptLogprobs {
            session.reset()
            let all = try session.forward(.sequence(prompt, startingAt: 0, outputs: .all), hooks: hooks)
            emit(.prompt(promptLogprobs(all)))
            let last = FloatMatrix(rows: 1, cols: all.cols)
            last.copyRows(from: all, (prompt.count - 1)..<prompt.count, to: 0)
            hidden = last
        } else if job.maxTokens > 0 {
            // Keep at least the last prompt token to recompute: its logits are the first prediction.
            reused = min(session.reusablePrefix(of: prompt), prompt.count - 1)
            session.truncate(to: reused)
            hidden = try session.forward(.sequence(Array(prompt[reused...]), startingAt: reused, outputs: .last), hooks: hooks)
        }
        if job.maxTokens == 0 { finish(.length) }
    }

    /// Entry j (j ≥ 1) is log p(prompt[j] | prompt[..<j]), computed in the same row chunks as
    /// `InferenceSession.logProbabilities`.
    private func promptLogprobs(_ all: FloatMatrix) -> [TokenLogprob] {
        let prompt = job.prompt
        var out = [TokenLogprob(id: prompt[0], logprob: nil, top: [])]
        let rows = prompt.count - 1
        var start = 0
        while start < rows {
            let end = min(rows, start + Self.logitChunkRows)
            let chunk = FloatMatrix(rows: end - start, cols: all.cols)
            chunk.copyRows(from: all, start..<end, to: 0)
            let logits = session.logits(fromHidden: chunk)
            let lse = Elementwise.logSumExp(logits)
            let argmaxes = job.topLogprobs == 1 ? Elementwise.argmax(logits) : []
            for i in 0..<(end - start) {
                out.append(LogprobReader.read(logits: logits, row: i, lse: lse[i], target: prompt[start + i + 1],
                                              topCount: job.topLogprobs ?? 0, argmax: argmaxes.isEmpty ? nil : argmaxes[i]))
            }
            start = end
        }
        return out
    }

    private func decodeStep(hooks: Hooks) throws {
        guard let hidden else { return }
        session.compute.activationPrecision = activations
        defer { session.compute.activationPrecision = .float32 }
        let model = session.model
        let logits = session.logits(fromHidden: hidden)
        let next = sampler.sample(logits.row(0))
        let lse = Elementwise.logSumExp(logits)[0]
        generated += 1
        if model.tokenizer.isEndOfGeneration(next) {
            finishStream(.endOfGeneration)
            return
        }
        emit(.token(job.topLogprobs == nil ? TokenLogprob(id: next, logprob: nil, top: [])
                    : LogprobReader.read(logits: logits, row: 0, lse: lse, target: next, topCount: job.topLogprobs ?? 0)))
        switch matcher.feed(decoder.feed(next)) {
        case .emit(let s):
            if !s.isEmpty { emit(.text(s)) }
        case .stop(let s, _):
            if !s.isEmpty { emit(.text(s)) }
            finish(.stop)
            return
        }
        if generated == job.maxTokens || session.length >= model.config.contextLength {
            finishStream(.length)
            return
        }
        self.hidden = try session.forward(.sequence([next], startingAt: session.length, outputs: .last), hooks: hooks)
    }

    /// Flushes text held back by the decoder and the stop matcher, then finishes.
    private func finishStream(_ reason: FinishReason) {
        if case .emit(let s) = matcher.feed(decoder.finish()), !s.isEmpty { emit(.text(s)) }
        let rest = matcher.finish()
        if !rest.isEmpty { emit(.text(rest)) }
        finish(reason)
    }
}
