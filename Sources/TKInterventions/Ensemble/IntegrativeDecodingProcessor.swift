import TKEngine

/// Integrative decoding's generation step: one session per re-asking input, each fed the tokens
/// generated so far after its own input; the step's scores are the mean of their logit vectors
/// (the reference averages raw logits, then takes the argmax — greedy under a greedy request).
/// With no inputs (k = 0) the model's own logits pass through unchanged.
public final class IntegrativeDecodingProcessor: LogitsProcessor {
    public let method: IntegrativeDecoding
    public var recordedPoints: [HookPoint] { [] }
    let model: TransformerModel
    let threads: Int
    let promptText: String
    let promptCount: Int
    /// One session and tokenized re-asking input per drawn answer (after `prepare`).
    private var sessions: [InferenceSession] = []
    public private(set) var inputs: [[Int32]] = []
    public private(set) var answers: [AnswerSampling.Answer] = []
    private var prepared = false

    init(method: IntegrativeDecoding, model: TransformerModel, threads: Int, promptText: String, promptCount: Int) {
        self.method = method
        self.model = model
        self.threads = threads
        self.promptText = promptText
        self.promptCount = promptCount
    }

    public func prepare(request: GenerationRequest, session: InferenceSession, hooks: Hooks) throws {
        answers = try method.sampling.draw(for: request, session: session, hooks: hooks)
        inputs = answers.map { model.tokenizer.encode(method.reask(promptText, $0.text), addSpecial: true) }
        let room = model.config.contextLength - request.maxTokens
        if let long = inputs.max(by: { $0.count < $1.count }), long.count > room {
            throw InterventionError(.badValue, "id: a re-asking input has \(long.count) tokens, more than the \(room) the context of \(model.config.contextLength) leaves after \(request.maxTokens) answer tokens; lower k's answer length (max tokens) or shorten the prompt")
        }
        sessions = inputs.map { _ in InferenceSession(model: model, threads: threads) }
        prepared = true
    }

    public func process(logits: [Float], activations: [HookPoint: [Float]], tokens: [Int32]) throws -> [Float] {
        guard prepared else {
            throw InterventionError(.badValue, "id: the answers were not drawn; decode through StepDecoder (it calls prepare first)")
        }
        guard !sessions.isEmpty else { return logits }
        let generated = tokens[min(promptCount, tokens.count)...]
        var mean = [Float](repeating: 0, count: logits.count)
        for (session, input) in zip(sessions, inputs) {
            let row = try session.nextTokenLogits(after: input + generated)
            for i in mean.indices { mean[i] += row[i] }
        }
        let scale = 1 / Float(sessions.count)
        for i in mean.indices { mean[i] *= scale }
        return mean
    }
}
