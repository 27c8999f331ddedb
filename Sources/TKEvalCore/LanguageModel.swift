/// Anything that can score continuations and generate text: the native engine, a remote
/// OpenAI-compatible server, or a scripted model in tests.
///
/// Benchmarks, metrics and judges only ever see this protocol, never the engine.
public protocol LanguageModel: Sendable {
    /// Who is answering: a name and a fingerprint that changes whenever the answers could.
    var identity: ModelIdentity { get }

    /// Log-likelihood of each continuation given its context.
    ///
    /// Contract (as lm-evaluation-harness's `loglikelihood`): the context and continuation are
    /// joined as `context + continuation` (no separator is added), tokenized as one string, and
    /// the continuation's tokens are those whose text starts at or after the character offset
    /// where the continuation begins. `logprob` is the sum of those tokens' log-probabilities;
    /// `isGreedy` says whether each was the model's argmax. An empty context means the
    /// continuation is scored after the model's BOS token (or from its first token if it has none).
    /// Results come back in request order, one array per request, one score per continuation.
    func score(_ requests: [ScoringRequest]) async throws -> [[ContinuationScore]]

    /// Continues a prompt until a stop sequence, end of generation, or `maxTokens`.
    func generate(_ request: TextGenerationRequest) async throws -> TextGeneration

    /// How many items an evaluator should keep in flight at once: 1 for an engine that computes
    /// one request at a time (more would only queue), a server fleet's request limit for a remote
    /// model. A default, not a cap: `--concurrency` overrides it.
    var preferredConcurrency: Int { get }
}

extension LanguageModel {
    public var preferredConcurrency: Int { 1 }
}

/// A model's name and a fingerprint of everything that determines its outputs
/// (weights file hash, backend, interventions), used to key stored results.
public struct ModelIdentity: Sendable, Codable, Equatable, Hashable {
    public var name: String
    public var backend: String
    public var fingerprint: String
    public var details: [String: String]

    public init(name: String, backend: String, fingerprint: String, details: [String: String] = [:]) {
        self.name = name
        self.backend = backend
        self.fingerprint = fingerprint
        self.details = details
    }
}
