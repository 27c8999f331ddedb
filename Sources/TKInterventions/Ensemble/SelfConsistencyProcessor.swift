import TKEngine

/// Self-consistency's generation step: the k answers are drawn when decoding starts (`prepare`,
/// with the request's stops and length), the vote picks one, and each step then replays the
/// winner's next token (score 0, every other token −infinity). The decoder therefore ends exactly
/// where the winning answer ended — on the same stop string, end token or length — and reports
/// log-probability 0 for the replayed tokens (under this method the answer is certain). Should the
/// sequence leave the winner (a caller feeding other tokens), the model's own logits are returned.
public final class SelfConsistencyProcessor: LogitsProcessor {
    public let method: SelfConsistency
    public var recordedPoints: [HookPoint] { [] }
    let promptCount: Int
    /// The drawn answers, and the one the vote chose (after `prepare`).
    public private(set) var answers: [AnswerSampling.Answer] = []
    public private(set) var chosen: Int?

    init(method: SelfConsistency, promptCount: Int) {
        self.method = method
        self.promptCount = promptCount
    }

    public func prepare(request: GenerationRequest, session: InferenceSession, hooks: Hooks) throws {
        answers = try method.sampling.draw(for: request, session: session, hooks: hooks)
        chosen = method.winner(of: answers.map(\.text))
    }

    public func process(logits: [Float], activations: [HookPoint: [Float]], tokens: [Int32]) throws -> [Float] {
        guard let chosen else {
            throw InterventionError(.badValue, "sc: the answers were not drawn; decode through StepDecoder (it calls prepare first)")
        }
        let winner = answers[chosen].tokens
        let generated = tokens[min(promptCount, tokens.count)...]
        guard generated.count < winner.count, generated.elementsEqual(winner.prefix(generated.count)) else { return logits }
        var scores = [Float](repeating: -.infinity, count: logits.count)
        scores[Int(winner[generated.count])] = 0
        return scores
    }
}
