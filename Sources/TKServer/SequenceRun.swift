import TKEngine
import TKKernels
import TKTokenizer

/// One job being run on a session: prefill, then one token per `step`, so the scheduler can
/// interleave several jobs fairly on one engine.
///
/// Decoding is `StepDecoder`'s — the same loop `InferenceSession.generate` runs — so greedy output
/// and reported log-probabilities are identical to it. What this adds is the server's part: prompt
/// log-probabilities for `echo`, and events for the HTTP layer.
final class SequenceRun {
    let job: EngineJob
    let session: InferenceSession
    let emit: (EngineEvent) -> Void
    /// Activations of the decode steps (the prompt is always float32; see `ActivationPrecision`).
    let activations: ActivationPrecision
    /// Builds the job's decoding-time intervention, if the server applies one.
    let makeProcessor: ProcessorFactory?
    private var decoder: StepDecoder?
    private var generated = 0
    private(set) var isDone = false

    /// Makes a fresh `LogitsProcessor` for one job (processors keep per-generation state).
    typealias ProcessorFactory = (InferenceSession, [Int32]) throws -> (any LogitsProcessor)?

    init(job: EngineJob, session: InferenceSession, activations: ActivationPrecision = .float32,
         makeProcessor: ProcessorFactory? = nil, emit: @escaping (EngineEvent) -> Void) {
        self.job = job
        self.session = session
        self.activations = activations
        self.makeProcessor = makeProcessor
        self.emit = emit
    }

    /// Runs the next step; returns when the job has finished (`isDone`).
    func step(hooks: Hooks) {
        guard !isDone else { return }
        do {
            if let decoder { try decodeStep(decoder) } else { try prefill(hooks: hooks) }
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
        decoder?.cancel()
        emit(.failed(message))
    }

    private func finish(_ reason: FinishReason) {
        isDone = true
        decoder?.cancel()
        emit(.finished(reason, usage: JobUsage(promptTokens: job.prompt.count, completionTokens: generated,
                                               cachedPromptTokens: decoder?.reusedPromptTokens ?? 0)))
    }

    private func prefill(hooks: Hooks) throws {
        let prompt = job.prompt
        var lastHidden: FloatMatrix?
        if job.promptLogprobs {
            session.reset()
            let all = try session.forward(.sequence(prompt, startingAt: 0, outputs: .all), hooks: hooks)
            emit(.prompt(try promptLogprobs(all)))
            let last = FloatMatrix(rows: 1, cols: all.cols)
            last.copyRows(from: all, (prompt.count - 1)..<prompt.count, to: 0)
            lastHidden = last
        }
        guard job.maxTokens > 0 else {
            finish(.length)
            return
        }
        let request = GenerationRequest(prompt: prompt, maxTokens: job.maxTokens, sampling: job.sampling,
                                        stopSequences: job.stopSequences, activations: activations)
        decoder = try StepDecoder(session: session, request: request, hooks: hooks,
                                  processor: try makeProcessor?(session, prompt), lastHidden: lastHidden)
    }

    /// Entry j (j ≥ 1) is log p(prompt[j] | prompt[..<j]), computed in the engine's logit chunks
    /// (`forEachLogitChunk`), so the numbers equal `InferenceSession.scoreSequence`.
    private func promptLogprobs(_ all: FloatMatrix) throws -> [TokenLogprob] {
        let prompt = job.prompt
        var out = [TokenLogprob(id: prompt[0], logprob: nil, top: [])]
        guard prompt.count > 1 else { return out }
        let predicting = FloatMatrix(rows: prompt.count - 1, cols: all.cols)
        predicting.copyRows(from: all, 0..<(prompt.count - 1), to: 0)
        try session.forEachLogitChunk(predicting) { logits, lse, start in
            let argmaxes = job.topLogprobs == 1 ? Elementwise.argmax(logits) : []
            for i in 0..<logits.rows {
                out.append(LogprobReader.read(logits: logits, row: i, lse: lse[i], target: prompt[start + i + 1],
                                              topCount: job.topLogprobs ?? 0, argmax: argmaxes.isEmpty ? nil : argmaxes[i]))
            }
        }
        return out
    }

    private func decodeStep(_ decoder: StepDecoder) throws {
        guard let step = try decoder.step() else { return }
        generated += 1
        if !step.isEndOfGeneration {
            emit(.token(job.topLogprobs == nil ? TokenLogprob(id: step.token, logprob: nil, top: [])
                        : LogprobReader.read(logits: step.scores, row: 0, lse: step.logSumExp, target: step.token,
                                             topCount: job.topLogprobs ?? 0)))
        }
        if !step.text.isEmpty { emit(.text(step.text)) }
        if let reason = step.finish { finish(reason) }
    }
}
