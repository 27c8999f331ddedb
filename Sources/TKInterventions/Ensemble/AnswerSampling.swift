import TKEngine

/// How an ensemble method draws its k answers to the prompt before decoding: the count and the
/// sampling settings, with answer i drawn from seed `seed + i` (so a run is repeatable and the
/// answers differ from one another).
public struct AnswerSampling: Sendable, Equatable {
    public var count: Int
    public var temperature: Double
    public var topP: Double
    public var seed: UInt64

    public init(count: Int, temperature: Double, topP: Double = 1, seed: UInt64 = 0) {
        self.count = count
        self.temperature = temperature
        self.topP = topP
        self.seed = seed
    }

    /// The settings as run-setting text (prefixed by the method's own).
    var settings: [String: String] {
        ["k": String(count), "temperature": "\(temperature)", "top_p": "\(topP)", "seed": String(seed)]
    }

    func validate(method: String) throws {
        guard count >= 0 else { throw InterventionError(.badValue, "\(method): k must be ≥ 0, got \(count)") }
        guard temperature >= 0, temperature.isFinite else {
            throw InterventionError(.badValue, "\(method): temperature must be ≥ 0 (0 = greedy), got \(temperature)")
        }
        guard topP > 0, topP <= 1 else { throw InterventionError(.badValue, "\(method): top_p must be in (0, 1], got \(topP)") }
    }

    /// One drawn answer: its tokens (a stop string's tokens included, as generated) and its text
    /// (stop string excluded).
    public struct Answer: Sendable, Equatable {
        public var tokens: [Int32]
        public var text: String
    }

    /// Draws `count` answers to `request.prompt` on `session` — with the request's length, stop
    /// sequences and activation precision, and these sampling settings — and leaves the session's
    /// cache at the prompt (the prompt is computed once and reused by every answer).
    public func draw(for request: GenerationRequest, session: InferenceSession, hooks: Hooks) throws -> [Answer] {
        var answers: [Answer] = []
        for i in 0..<count {
            let sampled = GenerationRequest(prompt: request.prompt, maxTokens: request.maxTokens,
                                            sampling: SamplingSettings(temperature: temperature, topP: topP, seed: seed &+ UInt64(i)),
                                            stopSequences: request.stopSequences, activations: request.activations)
            let result = try session.generate(sampled, hooks: hooks)
            answers.append(Answer(tokens: result.tokens, text: result.text))
        }
        if session.length > request.prompt.count { session.truncate(to: request.prompt.count) }
        return answers
    }
}
