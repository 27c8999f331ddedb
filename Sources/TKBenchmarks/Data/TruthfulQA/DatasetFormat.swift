/// The file layout a TruthfulQA data set was read from.
public enum DatasetFormat: String, Sendable, Codable, Hashable {
    /// One JSON object per line with `question`, `mc1_targets` and `mc2_targets`
    /// (`{"choices": [...], "labels": [...]}`), as Hugging Face's `truthful_qa` `multiple_choice`
    /// config and the multilingual files have it. Other keys are optional.
    case multipleChoiceJSONL
    /// The official CSV as released in 2021 (v0 and v1): Type, Category, Question, Best Answer,
    /// Correct Answers, Incorrect Answers, Source.
    case officialCSV2021
    /// The official CSV as released in January 2025: the 2021 columns plus `Best Incorrect Answer`.
    case officialCSV2025
}
