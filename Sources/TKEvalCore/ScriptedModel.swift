/// A `LanguageModel` that replays canned answers — for testing benchmarks, metrics and judges in
/// milliseconds, like inspect's `mockllm`. Unknown requests are an error, so a test can't pass by
/// silently scoring something it didn't script.
public struct ScriptedModel: LanguageModel {
    public struct Unscripted: Error, CustomStringConvertible {
        public var description: String
    }

    public let identity: ModelIdentity
    /// Log-likelihood by (context, continuation).
    public var scores: [String: [String: Double]]
    /// Generated text by prompt.
    public var generations: [String: String]

    public init(name: String = "scripted", scores: [String: [String: Double]] = [:], generations: [String: String] = [:]) {
        identity = ModelIdentity(name: name, backend: "scripted", fingerprint: "scripted:\(name)")
        self.scores = scores
        self.generations = generations
    }

    public func score(_ requests: [ScoringRequest]) async throws -> [[ContinuationScore]] {
        try requests.map { r in
            try r.continuations.map { c in
                guard let lp = scores[r.context]?[c] else {
                    throw Unscripted(description: "no scripted score for continuation \(c.debugDescription) of context \(r.context.suffix(60).debugDescription)")
                }
                return ContinuationScore(logprob: lp, tokenCount: max(1, c.split(separator: " ").count), isGreedy: false, byteCount: c.utf8.count)
            }
        }
    }

    public func generate(_ request: TextGenerationRequest) async throws -> TextGeneration {
        guard let text = generations[request.prompt] else {
            throw Unscripted(description: "no scripted generation for prompt \(request.prompt.suffix(60).debugDescription)")
        }
        return TextGeneration(text: text, finishReason: .stop, tokenCount: text.split(separator: " ").count)
    }
}
