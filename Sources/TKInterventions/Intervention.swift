import TKEngine

/// Anything that changes how the native engine computes: hooks on activations and/or a rule for
/// next-token log-scores.
///
/// Activation methods (ITI, steering) return hooks and nothing else; decoding methods (DoLa, the
/// contrastive family) return no hooks and supply a `LogitsProcessor` for generation — the native
/// backend also knows their scoring rule for multiple choice. `settings` holds every parameter,
/// so a run records exactly what was applied and the model fingerprint changes with any of them.
public protocol Intervention: Sendable {
    /// Short method name: "dola", "cd", "icd", "proxy", "iti", "steer".
    var name: String { get }
    /// Every parameter as text, recorded in run settings and folded into the model fingerprint.
    var settings: [String: String] { get }
    /// Activation edits for every forward pass (empty for pure decoding methods).
    func hooks(for model: TransformerModel) throws -> Hooks
    /// Checks the intervention against the model it will run on (layers exist, vocabularies
    /// match) so that bad input fails before any scoring starts.
    func validate(for model: TransformerModel) throws
    /// The generation step for decoding methods, or nil when generation only needs `hooks`.
    ///
    /// - Parameters:
    ///   - model: the model being generated from; `session` is its session (for projecting hidden
    ///     states through the output head).
    ///   - promptText: the prompt as text, when known (prompt-rewriting methods need it).
    ///   - promptTokens: the prompt as the model's tokens.
    func makeProcessor(model: TransformerModel, session: InferenceSession, promptText: String?,
                       promptTokens: [Int32]) throws -> (any LogitsProcessor)?
}

extension Intervention {
    public func validate(for model: TransformerModel) throws {
        try hooks(for: model).validate(for: model.config)
    }

    public func makeProcessor(model: TransformerModel, session: InferenceSession, promptText: String?,
                              promptTokens: [Int32]) throws -> (any LogitsProcessor)? { nil }

    /// `name` and every setting in one stable line (sorted keys), e.g. `dola(beta=1,layers=16,18)`,
    /// for fingerprints and logs.
    public var summary: String {
        name + "(" + settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";") + ")"
    }
}
