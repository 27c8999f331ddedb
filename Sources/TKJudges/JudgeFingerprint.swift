/// Everything that decides a judge's verdicts: the judge model, the prompt family and version,
/// and the settings that change the prompt or the decision.
///
/// Verdicts are stored under `id`, so changing any of these files them under a new judge rather
/// than mixing them with the old ones; re-judging with another judge never touches the answers.
public struct JudgeFingerprint: Sendable, Codable, Equatable, Hashable, CustomStringConvertible {
    /// The judge model's `ModelIdentity.fingerprint`.
    public var model: String
    /// `paper` or `rubric`.
    public var promptFamily: String
    /// Bumped whenever the prompt text changes.
    public var promptVersion: Int
    /// Settings that change the prompt or the threshold, in a fixed order (`shots=6`, `seed=0`, …).
    public var settings: [String]

    public init(model: String, promptFamily: String, promptVersion: Int, settings: [String] = []) {
        self.model = model
        self.promptFamily = promptFamily
        self.promptVersion = promptVersion
        self.settings = settings
    }

    /// The key verdicts are stored under: `paper/v1[shots=6,seed=0,…]@sha256:…`.
    public var id: String {
        "\(promptFamily)/v\(promptVersion)" + (settings.isEmpty ? "" : "[\(settings.joined(separator: ","))]") + "@" + model
    }

    public var description: String { id }
}
