import TKEngine
import TKKernels

/// The contrastive family's generation step: each amateur keeps its own session, fed the same
/// generated tokens after its own prompt (the expert's prompt, or the rewritten one), and the
/// step returns the plausibility-filtered combination.
public final class ContrastiveProcessor: LogitsProcessor {
    public let decoding: ContrastiveDecoding
    public var recordedPoints: [HookPoint] { [] }
    let promptCount: Int
    let sessions: [InferenceSession]
    let amateurPrompts: [[Int32]]

    public init(decoding: ContrastiveDecoding, expert: TransformerModel, threads: Int, promptText: String?, promptTokens: [Int32]) throws {
        self.decoding = decoding
        promptCount = promptTokens.count
        var sessions: [InferenceSession] = [], prompts: [[Int32]] = []
        for a in decoding.amateurs {
            let model = a.model(expert: expert)
            sessions.append(InferenceSession(model: model, threads: threads))
            switch a.source {
            case .model:
                prompts.append(promptTokens)
            case .prompt(let rewrite):
                guard let promptText else {
                    throw InterventionError(.missingKey, "\(decoding.name): the prompt-induced amateur needs the prompt as text to rewrite it")
                }
                prompts.append(expert.tokenizer.encode(rewrite(promptText), addSpecial: true))
            }
        }
        self.sessions = sessions
        amateurPrompts = prompts
    }

    /// Log-probabilities of the next token under amateur `k` after the generated `tokens`.
    /// `hooks` may record the amateur's activations (LOL reads its lower layers).
    func amateurLogProbs(_ k: Int, generated: ArraySlice<Int32>, hooks: Hooks = Hooks()) throws -> [Float] {
        guard !amateurPrompts[k].isEmpty else { throw InterventionError(.badValue, "\(decoding.name): the amateur's prompt is empty") }
        return NextTokenMath.logSoftmax(try sessions[k].nextTokenLogits(after: amateurPrompts[k] + generated, hooks: hooks))
    }

    public func process(logits: [Float], activations: [HookPoint: [Float]], tokens: [Int32]) throws -> [Float] {
        let generated = tokens[min(promptCount, tokens.count)...]
        let expert = NextTokenMath.logSoftmax(logits)
        let rows = try decoding.amateurs.indices.map { try amateurLogProbs($0, generated: generated) }
        var scores = decoding.filteredCombine(expert: expert, amateurs: rows).map(Float.init)
        NextTokenMath.applyRepetitionPenalty(&scores, tokens: tokens, penalty: decoding.repetitionPenalty)
        return scores
    }
}
