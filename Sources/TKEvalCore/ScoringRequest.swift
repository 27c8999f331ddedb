/// One context and the continuations to score after it.
///
/// Grouping continuations under their shared context is what lets a backend compute the
/// context once (the native engine forks every continuation from the cached context).
public struct ScoringRequest: Sendable, Codable, Equatable, Hashable {
    public var context: String
    public var continuations: [String]
    /// Whether per-token detail is wanted in the result.
    public var wantsTokenDetail: Bool
    /// A leading part of `context` that many requests share (a few-shot primer). Backends that
    /// cache may keep it between requests; the native engine always computes it on its own, so a
    /// result never depends on which request came before (a resumed run gives identical numbers).
    public var sharedPrefix: String

    public init(context: String, continuations: [String], wantsTokenDetail: Bool = false, sharedPrefix: String = "") {
        precondition(context.hasPrefix(sharedPrefix), "the shared prefix must begin the context")
        self.context = context
        self.continuations = continuations
        self.wantsTokenDetail = wantsTokenDetail
        self.sharedPrefix = sharedPrefix
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
