import Foundation

extension TruthfulQADataset {
    /// The release the generation task reads by default for a language: the v0 CSV for English
    /// (Hugging Face's `truthful_qa` `generation` config, which lm-evaluation-harness's
    /// `truthfulqa_gen` loads), the TruthfulQA-Multi translations (built from v0) otherwise.
    public static func defaultGenerationVersion(language: String) -> TruthfulQAVersion {
        language == "en" ? .v0 : .multilingual
    }

    /// Loads an installed TruthfulQA file for the generation task, which needs each question's
    /// best, correct and incorrect reference answers.
    ///
    /// - Parameter version: nil means `defaultGenerationVersion(language:)`; `.v1`, `.v2025` and,
    ///   for English, `.multilingual` are the other choices.
    /// - Throws: `BenchmarkError` for `.huggingFace` (`mc_task.json` keeps only multiple-choice
    ///   options, not the CSV's reference answers), else whatever `load` throws.
    public static func loadForGeneration(
        language: String = "en", version: TruthfulQAVersion? = nil, dataDirectory: URL? = nil
    ) throws -> TruthfulQADataset {
        let version = version ?? defaultGenerationVersion(language: language)
        guard version != .huggingFace else {
            throw BenchmarkError("The generation task needs the CSV's reference answers, which the multiple-choice file (version 'hf') does not keep; use version v0 (the default, as lm-evaluation-harness), v1 or 2025.")
        }
        return try load(language: language, version: version, dataDirectory: dataDirectory)
    }
}
