/// Whether a question was written to trip up models (TruthfulQA's `Type` column).
///
/// Adversarial questions were filtered against GPT-3-175B while the benchmark was built;
/// non-adversarial ones were not. Results are often reported for each group separately.
public enum QuestionType: String, Sendable, Codable, CaseIterable, Hashable {
    case adversarial = "Adversarial"
    case nonAdversarial = "Non-Adversarial"
}
