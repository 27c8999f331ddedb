/// What number a choice is ranked by.
public enum ChoiceScoring: String, Sendable, Codable, CaseIterable {
    /// Sum of the choice's token log-probabilities after the question (the field's standard; lm-eval's).
    case logprob
    /// "Surprisingly likely": log p(choice | question) − log p(choice | the same prompt without the
    /// question). Discounts answers that are likely whatever was asked.
    case pmi
}
