/// One context and the continuations to score after it.
///
/// Grouping continuations under their shared context is what lets a backend compute the
/// context once (the native engine forks every continuation from the cached context).
public struct ScoringRequest: Sendable, Codable, Equatable, Hashable {
    public var context: String
    public var continuations: [String]
    /// Whether per-token detail is wanted in the result.
    public var wantsTokenDetail: Bool

    public init(context: String, continuations: [String], wantsTokenDetail: Bool = false) {
        self.context = context
        self.continuations = continuations
        self.wantsTokenDetail = wantsTokenDetail
    }
}

/// The log-likelihood of one continuation.
public struct ContinuationScore: Sendable, Codable, Equatable {
    /// Sum of the continuation tokens' log-probabilities (natural log).
    public var logprob: Double
    /// Number of continuation tokens.
    public var tokenCount: Int
    /// Every continuation token was the argmax at its position.
    public var isGreedy: Bool
    /// Per-token log-probabilities, when requested.
    public var tokenLogprobs: [Double]?
    /// Length of the continuation in characters (UTF-8 bytes), for length normalisation.
    public var byteCount: Int

    public init(logprob: Double, tokenCount: Int, isGreedy: Bool, tokenLogprobs: [Double]? = nil, byteCount: Int) {
        self.logprob = logprob
        self.tokenCount = tokenCount
        self.isGreedy = isGreedy
        self.tokenLogprobs = tokenLogprobs
        self.byteCount = byteCount
    }
}
